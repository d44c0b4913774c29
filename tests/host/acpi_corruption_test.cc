// acpi_corruption_test.cc: malformed firmware tables are ignored with a
// warning and a documented fallback, never a crash or an out-of-bounds read.
// Run under -fsanitize=address,undefined (host.mk does), these tests also
// prove that no parser reads outside the window it mapped.
#include <catch2/catch.hpp>

#include <stdio.h>

#include <random>

#include "machines.h"
#include "test_support.h"

using namespace test;
using platform::TopologySource;

namespace {

// Table indices in qemu_like() images: FADT is listed first, then MADT, SRAT.
constexpr size_t kMadt = 0;
constexpr size_t kSrat = 1;

const platform::MemRange kRam[] = {{0, 0x9fc00}, {0x100000, 0x20000000}};

acpi::TopologyOptions options() {
    acpi::TopologyOptions o;
    o.ram_ranges = kRam;
    o.num_ram_ranges = 2;
    return o;
}

const char* const kSingleNode4 =
    "topology: nodes=1 cpus=4\n"
    "node 0: cpus=0,1,2,3 mem=0x0-0x9fc00,0x100000-0x20000000 distance=10\n";
const char* const kNoMadt =
    "topology: nodes=1 cpus=1\n"
    "node 0: cpus=0 mem=0x0-0x9fc00,0x100000-0x20000000 distance=10\n";

std::string hex(uint64_t value) {
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)value);
    return buf;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Every topology, however bad the input, must be usable by the kernel.
void check_invariants(const platform::Topology& t) {
    REQUIRE(t.num_cpus >= 1);
    REQUIRE(t.num_cpus <= platform::kMaxCpus);
    REQUIRE(t.num_nodes >= 1);
    REQUIRE(t.num_nodes <= platform::kMaxNodes);
    for (unsigned c = 0; c < t.num_cpus; ++c) REQUIRE(t.cpus[c].node < t.num_nodes);
    for (unsigned n = 0; n < t.num_nodes; ++n) {
        REQUIRE(t.nodes[n].num_ranges <= platform::kMaxRangesPerNode);
        for (unsigned r = 0; r < t.nodes[n].num_ranges; ++r)
            REQUIRE(t.nodes[n].ranges[r].base <= t.nodes[n].ranges[r].end);
    }
}

}  // namespace

TEST_CASE("bad checksums: MADT, SRAT", "[corrupt]") {
    Layout where;
    AcpiImage image = qemu_2x2().build(&where);
    image.write8(where.tables[kSrat] + 20, image.read8(where.tables[kSrat] + 20) ^ 1);
    Built no_srat = build(image, options());
    CHECK(no_srat.warnings ==
          "acpi: warning: table SRAT at " + hex(where.tables[kSrat]) + " ignored: checksum is bad\n");
    CHECK(no_srat.report == kSingleNode4);

    image.write8(where.tables[kMadt] + 20, image.read8(where.tables[kMadt] + 20) ^ 1);
    Built no_madt = build(image, options());
    CHECK(contains(no_madt.warnings,
                   "table APIC at " + hex(where.tables[kMadt]) + " ignored: checksum is bad\n"));
    CHECK(contains(no_madt.warnings, "no usable MADT, assuming one CPU with APIC id 0\n"));
    CHECK(no_madt.report == kNoMadt);
}

TEST_CASE("truncated table and length past readable memory", "[corrupt]") {
    Layout where;
    AcpiImage image = qemu_2x2().build(&where);
    uint64_t srat = where.tables[kSrat];
    SECTION("the last bytes of the SRAT are missing") {
        image.unmap(srat + 100, image.read32(srat + 4) - 100);
        Built b = build(image, options());
        CHECK(contains(b.warnings, "SRAT at " + hex(srat) + " ignored: length runs past readable memory"));
        CHECK(b.topology.source == TopologySource::SingleNode);
    }
    SECTION("the SRAT length points past the end of memory") {
        image.write32(srat + 4, 0x10000);
        Built b = build(image, options());
        CHECK(contains(b.warnings, "SRAT at " + hex(srat) + " ignored: length runs past readable memory"));
        CHECK(b.report == kSingleNode4);
    }
    SECTION("implausible and too-short lengths") {
        image.write32(srat + 4, 0xffffffff);
        CHECK(contains(build(image, options()).warnings, "length is implausibly large"));
        image.write32(srat + 4, 12);
        CHECK(contains(build(image, options()).warnings, "length is shorter than the header"));
    }
}

TEST_CASE("MADT entry lengths: zero, past the end, too short", "[corrupt][madt]") {
    auto with_entry = [](const Bytes& entry) {
        MadtBuilder madt;
        madt.lapic(0).raw(entry).lapic(1);
        return ImageBuilder().table(madt.build()).build();
    };
    SECTION("length 0") {
        AcpiImage image = with_entry({0, 0});
        Built b = build(image, options());
        CHECK(contains(b.warnings, "MADT entry at offset 52 has length 0 past the table end, MADT ignored"));
        CHECK(b.report == kNoMadt);
    }
    SECTION("length past the end of the table") {
        AcpiImage image = with_entry({1, 200, 0, 0});
        Built b = build(image, options());
        CHECK(contains(b.warnings, "MADT entry at offset 52 has length 200"));
        CHECK(b.topology.num_cpus == 1);
    }
    SECTION("one stray byte at the end") {
        MadtBuilder madt;
        madt.lapic(0).raw({0});
        AcpiImage image = ImageBuilder().table(madt.build()).build();
        CHECK(contains(build(image, options()).warnings, "has length 1 past the table end"));
    }
    SECTION("entry shorter than its type needs is skipped") {
        AcpiImage image = with_entry({0, 6, 9, 9, 1, 0});
        Built b = build(image, options());
        CHECK(b.warnings == "acpi: warning: MADT entry type 0 at offset 52 is 6 bytes, shorter than 8, skipped\n");
        CHECK(b.topology.num_cpus == 2);
    }
}

TEST_CASE("SRAT entry lengths: zero, past the end, too short", "[corrupt][srat]") {
    auto with_entry = [](const Bytes& entry) {
        MadtBuilder madt;
        madt.lapic(0).lapic(1);
        SratBuilder srat;
        srat.cpu(0, 0).raw(entry).cpu(1, 1).memory(0, 0, 0x100000).memory(1, 0x100000, 0x100000);
        return ImageBuilder().table(madt.build()).table(srat.build()).build();
    };
    SECTION("length 0: SRAT ignored, one node") {
        AcpiImage image = with_entry({1, 0});
        Built b = build(image, options());
        CHECK(contains(b.warnings, "SRAT entry at offset 64 has length 0 past the table end, SRAT ignored"));
        CHECK(b.topology.source == TopologySource::SingleNode);
    }
    SECTION("length past the end") {
        AcpiImage image = with_entry({1, 255});
        CHECK(build(image, options()).topology.num_nodes == 1);
    }
    SECTION("memory entry shorter than 40 bytes is skipped") {
        AcpiImage image = with_entry({1, 8, 1, 0, 0, 0, 0, 0});
        Built b = build(image, options());
        CHECK(b.warnings == "acpi: warning: SRAT entry type 1 at offset 64 is 8 bytes, shorter than 40, skipped\n");
        CHECK(b.topology.num_nodes == 2);
    }
}

TEST_CASE("root table problems", "[corrupt][sdt]") {
    SECTION("entry pointing at unmapped memory, and a null entry") {
        AcpiImage image = qemu_2x2().raw_entry(0xdead0000).raw_entry(0).build();
        Built b = build(image);
        CHECK(b.warnings == "acpi: warning: table ???? at 0xdead0000 ignored: header is not readable\n"
                            "acpi: warning: XSDT entry 4 is null, ignored\n");
        CHECK(b.topology.num_nodes == 2);
    }
    SECTION("bad XSDT: fall back to the RSDT") {
        Layout where;
        AcpiImage image = qemu_2x2().build(&where);
        image.write8(where.xsdt + 40, 0x55);
        Built b = build(image);
        CHECK(contains(b.warnings, "table XSDT at"));
        CHECK(contains(b.warnings, "falling back from the XSDT to the RSDT"));
        CHECK(b.topology.num_nodes == 2);
    }
    SECTION("trailing bytes in the RSDT") {
        Layout where;
        AcpiImage image = qemu_2x2().root(ImageBuilder::Root::Rsdt).build(&where);
        image.write32(where.rsdt + 4, image.read32(where.rsdt + 4) + 2);
        image.write(where.rsdt + image.read32(where.rsdt + 4) - 2, {0, 0});
        image.fix_checksum(where.rsdt);
        Built b = build(image);
        CHECK(b.warnings == "acpi: warning: RSDT has 2 trailing bytes after its last entry, ignored\n");
        CHECK(b.topology.num_nodes == 2);
    }
    SECTION("RSDP with a bad checksum is not found") {
        Layout where;
        AcpiImage image = qemu_2x2().build(&where);
        image.write8(where.rsdp + 10, 'X');
        Built b = build(image, options());
        CHECK(contains(b.warnings, "RSDP at 0xf5a40 has a bad checksum, ignored"));
        CHECK(contains(b.warnings, "no ACPI RSDP found"));
        CHECK(b.report == kNoMadt);
    }
    SECTION("RSDP with a bad extended checksum: RSDT only") {
        Layout where;
        AcpiImage image = qemu_2x2().build(&where);
        image.write8(where.rsdp + 33, 0x77);
        Built b = build(image);
        CHECK(b.warnings == "acpi: warning: RSDP at 0xf5a40: bad extended checksum, using RSDT only\n");
        CHECK(b.topology.num_nodes == 2);
    }
    SECTION("an explicit RSDP address that is wrong: search instead") {
        AcpiImage image = qemu_2x2().build();
        acpi::TopologyOptions o;
        o.rsdp_phys = 0x12345670;
        Built b = build(image, o);
        CHECK(b.warnings == "acpi: warning: RSDP at 0x12345670 is not readable\n"
                            "acpi: warning: RSDP given at 0x12345670 is unusable, searching instead\n");
        CHECK(b.topology.num_nodes == 2);
    }
}

TEST_CASE("SLIT problems fall back to 10/20", "[corrupt][slit]") {
    auto with_slit = [](uint64_t count, const Bytes& body) {
        SdtWriter slit("SLIT", 1);
        slit.u64(count).bytes(body);
        return qemu_2x2().table(slit.finish()).build();
    };
    const char* defaults = "node 1: cpus=2,3 mem=0x10000000-0x20000000 distance=20,10\n";
    for (uint64_t count : {0ull, 3ull, 0x100000000ull, 0xffffffffffffffffull}) {
        AcpiImage image = with_slit(count, {10, 30, 30, 10});
        Built b = build(image);
        CHECK(contains(b.warnings, "does not fit its"));
        CHECK(contains(b.report, defaults));
    }
}

TEST_CASE("random corruption never breaks the invariants", "[corrupt][fuzz]") {
    auto machine = [] {
        return qemu_like({{{0, 1}, 64 << 20}, {{2}, 64 << 20}, {{}, 64 << 20}},
                         {{10, 20, 30}, {20, 10, 40}, {30, 40, 10}});
    };
    Layout where;
    machine().build(&where);
    std::mt19937 random(12345);
    for (int round = 0; round < 400; ++round) {
        AcpiImage image = machine().build();
        uint64_t table = where.tables[random() % where.tables.size()];
        uint32_t length = image.read32(table + 4);
        int flips = 1 + int(random() % 4);
        for (int i = 0; i < flips; ++i) {
            uint64_t at = table + random() % length;
            image.write8(at, uint8_t(random()));
        }
        if (random() % 2) image.fix_checksum(table);  // get past the checksum
        Built b = build(image, options());
        check_invariants(b.topology);
    }
}
