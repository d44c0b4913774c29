// topology_builder_test.cc: build_topology() on well-formed but unusual machines.
#include <catch2/catch.hpp>

#include "machines.h"
#include "test_support.h"

using namespace test;
using platform::TopologySource;

TEST_CASE("2x2 QEMU machine gives the documented report", "[topology]") {
    AcpiImage image = qemu_2x2().build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.source == TopologySource::Srat);
    CHECK(b.topology.lapic_phys == 0xfee00000);
    CHECK(b.report ==
          "topology: nodes=2 cpus=4\n"
          "node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20\n"
          "node 1: cpus=2,3 mem=0x10000000-0x20000000 distance=20,10\n");
}

TEST_CASE("the RSDP is found in the EBDA, and via an explicit address", "[topology][rsdp]") {
    Layout where;
    AcpiImage image = qemu_2x2().rsdp_in_ebda().build(&where);
    CHECK(where.rsdp < 0xa0000);
    Built searched = build(image);
    CHECK(searched.topology.num_nodes == 2);
    CHECK(searched.warnings == "");
    acpi::TopologyOptions options;
    options.rsdp_phys = where.rsdp;
    Built given = build(image, options);
    CHECK(given.report == searched.report);
}

TEST_CASE("RSDT-only and XSDT-only machines", "[topology][sdt]") {
    for (auto root : {ImageBuilder::Root::Rsdt, ImageBuilder::Root::XsdtOnly}) {
        AcpiImage image = qemu_2x2().root(root).build();
        Built b = build(image);
        CHECK(b.warnings == "");
        CHECK(b.topology.num_nodes == 2);
        CHECK(b.topology.num_cpus == 4);
    }
}

TEST_CASE("memoryless node", "[topology]") {
    AcpiImage image = qemu_like({{{0, 1}, 256 << 20}, {{2, 3}, 0}}).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=2 cpus=4\n"
          "node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20\n"
          "node 1: cpus=2,3 mem=- distance=20,10\n");
}

TEST_CASE("CPU-less node", "[topology]") {
    AcpiImage image = qemu_like({{{0, 1}, 256 << 20}, {{}, 128 << 20}}).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20\n"
          "node 1: cpus=- mem=0x10000000-0x18000000 distance=20,10\n");
}

TEST_CASE("unequal nodes with asymmetric SLIT distances", "[topology][slit]") {
    AcpiImage image =
        qemu_like({{{0}, 64 << 20}, {{1}, 256 << 20}}, {{10, 20}, {30, 10}}).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=0x0-0xa0000,0x100000-0x4000000 distance=10,20\n"
          "node 1: cpus=1 mem=0x4000000-0x14000000 distance=30,10\n");
}

TEST_CASE("4x1 with a SLIT from the preset", "[topology][slit]") {
    std::vector<Bytes> slit = {{10, 16, 16, 22}, {16, 10, 22, 16}, {16, 22, 10, 16}, {22, 16, 16, 10}};
    AcpiImage image = qemu_like({{{0}, 128 << 20}, {{1}, 128 << 20}, {{2}, 128 << 20},
                                 {{3}, 128 << 20}}, slit).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=4 cpus=4\n"
          "node 0: cpus=0 mem=0x0-0xa0000,0x100000-0x8000000 distance=10,16,16,22\n"
          "node 1: cpus=1 mem=0x8000000-0x10000000 distance=16,10,22,16\n"
          "node 2: cpus=2 mem=0x10000000-0x18000000 distance=16,22,10,16\n"
          "node 3: cpus=3 mem=0x18000000-0x20000000 distance=22,16,16,10\n");
}

TEST_CASE("sparse proximity domains are numbered densely", "[topology][slit]") {
    MadtBuilder madt;
    madt.lapic(0).lapic(1);
    SratBuilder srat;
    srat.cpu(1, 5).cpu(0, 0).memory(5, 0x8000000, 0x8000000).memory(0, 0, 0x8000000);
    std::vector<Bytes> slit(6, Bytes(6, 99));
    slit[0][0] = 10, slit[0][5] = 21, slit[5][0] = 31, slit[5][5] = 10;
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).table(build_slit(slit)).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.nodes[0].proximity_domain == 0);
    CHECK(b.topology.nodes[1].proximity_domain == 5);
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=0x0-0x8000000 distance=10,21\n"
          "node 1: cpus=1 mem=0x8000000-0x10000000 distance=31,10\n");
}

TEST_CASE("a domain beyond the SLIT falls back to 10/20", "[topology][slit]") {
    MadtBuilder madt;
    madt.lapic(0).lapic(1);
    SratBuilder srat;
    srat.cpu(0, 0).cpu(1, 5).memory(0, 0, 0x1000000).memory(5, 0x1000000, 0x1000000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build())
                          .table(build_slit({{10, 15}, {15, 10}})).build();
    Built b = build(image);
    CHECK(b.warnings == "acpi: warning: SLIT has no row for domain 5 (node 1), using 10/20\n");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=0x0-0x1000000 distance=10,20\n"
          "node 1: cpus=1 mem=0x1000000-0x2000000 distance=20,10\n");
}

TEST_CASE("non-contiguous APIC ids keep MADT order", "[topology]") {
    // -smp 6,sockets=2,cores=3: QEMU gives socket 1 APIC ids 4-6.
    AcpiImage image = qemu_like({{{0, 1, 2}, 128 << 20}, {{4, 5, 6}, 128 << 20}}).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.cpus[3].apic_id == 4);
    CHECK(b.topology.cpus[5].apic_id == 6);
    CHECK(b.report ==
          "topology: nodes=2 cpus=6\n"
          "node 0: cpus=0,1,2 mem=0x0-0xa0000,0x100000-0x8000000 distance=10,20\n"
          "node 1: cpus=3,4,5 mem=0x8000000-0x10000000 distance=20,10\n");
}

TEST_CASE("disabled CPUs and their SRAT entries are skipped", "[topology][madt]") {
    MadtBuilder madt;
    madt.lapic(0).lapic(1, false).lapic(2).lapic(3, false);
    SratBuilder srat;
    srat.cpu(0, 0).cpu(1, 1).cpu(2, 2).cpu(3, 3)  // 1 and 3: hotplug slots
        .memory(0, 0, 0x4000000).memory(2, 0x4000000, 0x4000000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=0x0-0x4000000 distance=10,20\n"
          "node 1: cpus=1 mem=0x4000000-0x8000000 distance=20,10\n");
    CHECK(b.topology.cpus[1].apic_id == 2);
}

TEST_CASE("disabled SRAT entries: CPU goes to node 0, memory is dropped", "[topology][srat]") {
    MadtBuilder madt;
    madt.lapic(0).lapic(1);
    SratBuilder srat;
    srat.cpu(0, 1).cpu(1, 0, false)
        .memory(0, 0, 0x1000000).memory(1, 0x1000000, 0x1000000)
        .memory(2, 0x2000000, 0x1000000, 0)   // disabled
        .memory(3, 0x3000000, 0);             // zero length
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "acpi: warning: CPU 1 (APIC id 1) has no SRAT entry, placed on node 0\n");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=1 mem=0x0-0x1000000 distance=10,20\n"
          "node 1: cpus=0 mem=0x1000000-0x2000000 distance=20,10\n");
}

TEST_CASE("x2APIC entries in MADT and SRAT", "[topology][madt][srat]") {
    MadtBuilder madt;
    madt.lapic(0).x2apic(0x100).x2apic(0x101, false).x2apic(0x205);
    SratBuilder srat;
    srat.cpu(0, 0).x2apic(0x100, 0).x2apic(0x101, 1).x2apic(0x205, 1)
        .memory(0, 0, 0x1000000).memory(1, 0x100000000ull, 0x1000000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.cpus[2].apic_id == 0x205);
    CHECK(b.report ==
          "topology: nodes=2 cpus=3\n"
          "node 0: cpus=0,1 mem=0x0-0x1000000 distance=10,20\n"
          "node 1: cpus=2 mem=0x100000000-0x101000000 distance=20,10\n");
}

TEST_CASE("LAPIC address override (MADT type 5)", "[topology][madt]") {
    MadtBuilder madt(0xfee00000);
    madt.lapic(0).lapic_override(0x1fee00000ull);
    AcpiImage image = ImageBuilder().table(madt.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.lapic_phys == 0x1fee00000ull);
}

TEST_CASE("several ranges per node, capped at kMaxRangesPerNode", "[topology][srat]") {
    MadtBuilder madt;
    madt.lapic(0);
    SratBuilder srat;
    srat.cpu(0, 0);
    for (int i = 0; i < 10; ++i) srat.memory(0, uint64_t(i) * 0x200000, 0x100000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.topology.nodes[0].num_ranges == platform::kMaxRangesPerNode);
    CHECK(b.warnings ==
          "acpi: warning: domain 0 has more than 8 memory ranges, 0x1000000-0x1100000 dropped\n"
          "acpi: warning: domain 0 has more than 8 memory ranges, 0x1200000-0x1300000 dropped\n");
}

TEST_CASE("more CPUs than kMaxCpus are capped", "[topology][madt]") {
    MadtBuilder madt;
    for (int i = 0; i < 70; ++i) madt.lapic(uint8_t(i));
    AcpiImage image = ImageBuilder().table(madt.build()).build();
    Built b = build(image);
    CHECK(b.topology.num_cpus == platform::kMaxCpus);
    CHECK(b.warnings == "acpi: warning: MADT lists more than 64 CPUs, extra CPUs ignored\n");
}

TEST_CASE("SRAT revision 1 uses only the low byte of CPU domains", "[topology][srat]") {
    for (uint8_t revision : {1, 3}) {
        MadtBuilder madt;
        madt.lapic(0);
        SratBuilder srat(revision);
        srat.cpu(0, 0x102).memory(0x102, 0, 0x1000000);
        AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
        Built b = build(image);
        CHECK(b.warnings == "");
        CHECK(b.topology.nodes[0].proximity_domain == (revision == 1 ? 2u : 0x102u));
    }
}

TEST_CASE("SRAT CPU entry for a CPU the MADT lacks adds no node", "[topology][srat]") {
    MadtBuilder madt;
    madt.lapic(0);
    SratBuilder srat;
    srat.cpu(0, 0).cpu(7, 3).memory(0, 0, 0x1000000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.topology.num_nodes == 1);
}

TEST_CASE("hot-pluggable memory counts as a normal range", "[topology][srat]") {
    MadtBuilder madt;
    madt.lapic(0);
    SratBuilder srat;
    srat.cpu(0, 0).memory(0, 0, 0x1000000).memory(0, 0x100000000ull, 0x40000000, 3);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    Built b = build(image);
    CHECK(b.warnings == "");
    CHECK(b.report == "topology: nodes=1 cpus=1\n"
                      "node 0: cpus=0 mem=0x0-0x1000000,0x100000000-0x140000000 distance=10\n");
}

TEST_CASE("more than kMaxNodes domains: one node instead", "[topology][srat]") {
    MadtBuilder madt;
    madt.lapic(0);
    SratBuilder srat;
    srat.cpu(0, 0);
    for (uint32_t d = 0; d < 17; ++d) srat.memory(d, d * 0x100000ull, 0x100000);
    AcpiImage image = ImageBuilder().table(madt.build()).table(srat.build()).build();
    platform::MemRange ram[] = {{0, 0x1100000}};
    acpi::TopologyOptions options;
    options.ram_ranges = ram;
    options.num_ram_ranges = 1;
    Built b = build(image, options);
    CHECK(b.warnings == "acpi: warning: SRAT names more than 16 proximity domains, SRAT ignored\n");
    CHECK(b.topology.source == TopologySource::SingleNode);
    CHECK(b.report == "topology: nodes=1 cpus=1\nnode 0: cpus=0 mem=0x0-0x1100000 distance=10\n");
}
