// numa_modes_test.cc: single-node fallbacks, numa=off and numa=fake:N.
#include <catch2/catch.hpp>

#include "machines.h"
#include "test_support.h"

using namespace test;
using platform::MemRange;
using platform::TopologySource;

namespace {

// What multiboot reports for QEMU with -m 128M: low memory below the EBDA,
// and RAM from 1 MiB up to where the ACPI tables begin.
const MemRange kQemu128[] = {{0x0, 0x9fc00}, {0x100000, 0x7fe0000}};

acpi::TopologyOptions with_ram(acpi::NumaMode mode = acpi::NumaMode::Auto, unsigned fake = 0) {
    acpi::TopologyOptions options;
    options.numa_mode = mode;
    options.fake_nodes = fake;
    options.ram_ranges = kQemu128;
    options.num_ram_ranges = 2;
    return options;
}

AcpiImage uma(unsigned cpus) {
    MadtBuilder madt;
    for (unsigned i = 0; i < cpus; ++i) madt.lapic(uint8_t(i));
    return ImageBuilder().fadt_with_dsdt({}).table(madt.build()).build();
}

}  // namespace

TEST_CASE("no SRAT: one node with the boot memory map", "[topology][numa]") {
    AcpiImage image = uma(2);
    Built b = build(image, with_ram());
    CHECK(b.warnings == "");
    CHECK(b.topology.source == TopologySource::SingleNode);
    CHECK(b.report == "topology: nodes=1 cpus=2\n"
                      "node 0: cpus=0,1 mem=0x0-0x9fc00,0x100000-0x7fe0000 distance=10\n");
}

TEST_CASE("numa=off ignores the SRAT", "[topology][numa]") {
    AcpiImage image = qemu_2x2().build();
    Built b = build(image, with_ram(acpi::NumaMode::Off));
    CHECK(b.warnings == "");
    CHECK(b.topology.source == TopologySource::SingleNode);
    CHECK(b.report == "topology: nodes=1 cpus=4\n"
                      "node 0: cpus=0,1,2,3 mem=0x0-0x9fc00,0x100000-0x7fe0000 distance=10\n");
}

TEST_CASE("no MADT: one CPU with APIC id 0", "[topology][madt]") {
    AcpiImage image = ImageBuilder().fadt_with_dsdt({}).build();
    Built b = build(image, with_ram());
    CHECK(b.warnings == "acpi: warning: no usable MADT, assuming one CPU with APIC id 0\n");
    CHECK(b.topology.num_cpus == 1);
    CHECK(b.topology.cpus[0].apic_id == 0);
    CHECK(b.topology.lapic_phys == 0xfee00000);
}

TEST_CASE("no RSDP: one CPU, one node", "[topology][rsdp]") {
    AcpiImage empty;
    empty.write(0xf0000, Bytes(0x10000, 0));  // a BIOS area without an RSDP
    Built b = build(empty, with_ram());
    CHECK(b.warnings == "acpi: warning: no ACPI RSDP found\n"
                        "acpi: warning: no usable MADT, assuming one CPU with APIC id 0\n");
    CHECK(b.report == "topology: nodes=1 cpus=1\n"
                      "node 0: cpus=0 mem=0x0-0x9fc00,0x100000-0x7fe0000 distance=10\n");
}

TEST_CASE("numa=fake:2 splits RAM into equal page-aligned halves", "[topology][fake]") {
    AcpiImage image = uma(4);
    Built b = build(image, with_ram(acpi::NumaMode::Fake, 2));
    CHECK(b.warnings == "");
    CHECK(b.topology.source == TopologySource::Fake);
    // 159 + 32480 usable pages; node 0 gets 16319 of them, node 1 the other 16320.
    CHECK(b.report ==
          "topology: nodes=2 cpus=4\n"
          "node 0: cpus=0,1 mem=0x0-0x9f000,0x100000-0x4020000 distance=10,20\n"
          "node 1: cpus=2,3 mem=0x4020000-0x7fe0000 distance=20,10\n");
}

TEST_CASE("numa=fake:3 with 4 CPUs deals CPUs in blocks", "[topology][fake]") {
    MemRange ram[] = {{0, 0x3000000}};
    acpi::TopologyOptions options;
    options.numa_mode = acpi::NumaMode::Fake;
    options.fake_nodes = 3;
    options.ram_ranges = ram;
    options.num_ram_ranges = 1;
    AcpiImage image = uma(4);
    Built b = build(image, options);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=3 cpus=4\n"
          "node 0: cpus=0,1 mem=0x0-0x1000000 distance=10,20,20\n"
          "node 1: cpus=2 mem=0x1000000-0x2000000 distance=20,10,20\n"
          "node 2: cpus=3 mem=0x2000000-0x3000000 distance=20,20,10\n");
}

TEST_CASE("numa=fake ignores the SRAT and works without ACPI", "[topology][fake]") {
    AcpiImage numa = qemu_2x2().build();
    Built with_srat = build(numa, with_ram(acpi::NumaMode::Fake, 4));
    CHECK(with_srat.topology.source == TopologySource::Fake);
    CHECK(with_srat.topology.num_nodes == 4);
    CHECK(with_srat.topology.cpus[3].node == 3);

    AcpiImage nothing;
    Built bare = build(nothing, with_ram(acpi::NumaMode::Fake, 2));
    CHECK(bare.topology.num_nodes == 2);
    CHECK(bare.report ==
          "topology: nodes=2 cpus=1\n"
          "node 0: cpus=0 mem=0x0-0x9f000,0x100000-0x4020000 distance=10,20\n"
          "node 1: cpus=- mem=0x4020000-0x7fe0000 distance=20,10\n");
}

TEST_CASE("numa=fake clamps the node count", "[topology][fake]") {
    AcpiImage image = uma(1);
    Built zero = build(image, with_ram(acpi::NumaMode::Fake, 0));
    CHECK(zero.topology.num_nodes == 1);
    CHECK(zero.warnings == "acpi: warning: numa=fake:0 adjusted to 1 nodes\n");

    Built many = build(image, with_ram(acpi::NumaMode::Fake, 99));
    CHECK(many.topology.num_nodes == platform::kMaxNodes);
    CHECK(many.warnings == "acpi: warning: numa=fake:99 adjusted to 16 nodes\n");

    MemRange tiny[] = {{0x1000, 0x4000}};  // three pages
    acpi::TopologyOptions options;
    options.numa_mode = acpi::NumaMode::Fake;
    options.fake_nodes = 5;
    options.ram_ranges = tiny;
    options.num_ram_ranges = 1;
    Built few = build(image, options);
    CHECK(few.warnings == "acpi: warning: numa=fake:5 adjusted to 3 nodes\n");
    CHECK(few.report ==
          "topology: nodes=3 cpus=1\n"
          "node 0: cpus=0 mem=0x1000-0x2000 distance=10,20,20\n"
          "node 1: cpus=- mem=0x2000-0x3000 distance=20,10,20\n"
          "node 2: cpus=- mem=0x3000-0x4000 distance=20,20,10\n");
}

TEST_CASE("numa=fake trims unaligned ranges and survives no RAM", "[topology][fake]") {
    AcpiImage image = uma(2);
    MemRange ram[] = {{0x800, 0x2800}, {0x5000, 0x5800}, {0x10000, 0x12000}};
    acpi::TopologyOptions options;
    options.numa_mode = acpi::NumaMode::Fake;
    options.fake_nodes = 2;
    options.ram_ranges = ram;
    options.num_ram_ranges = 3;
    Built b = build(image, options);
    CHECK(b.warnings == "");
    CHECK(b.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=0x1000-0x2000 distance=10,20\n"
          "node 1: cpus=1 mem=0x10000-0x12000 distance=20,10\n");

    options.num_ram_ranges = 0;
    Built none = build(image, options);
    CHECK(none.report ==
          "topology: nodes=2 cpus=2\n"
          "node 0: cpus=0 mem=- distance=10,20\n"
          "node 1: cpus=1 mem=- distance=20,10\n");
}
