// acpidump_test.cc: dump_tables() output, the loader, and the captured images.
//
// The captured images are a required fixture: tests/host/acpi/<preset>.acpidump
// holds the serial output of the kernel booted with the "acpidump" option on
// QEMU preset <preset> (config/topologies.conf), and <preset>.expected the
// print_topology() text for it (numa mode Auto). The directory comes from the
// PROXIMA_ACPI_DATA environment variable (host.mk sets it), else from the
// path compiled in as PROXIMA_ACPI_DATA_DEFAULT.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "machines.h"
#include "platform/acpi/table_dump.h"
#include "test_support.h"

using namespace test;

namespace {

std::string dump_of(acpi::PhysReader& reader, const acpi::TopologyOptions& options = {}) {
    StringSink out;
    acpi::dump_tables(reader, options, out);
    return out.text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Loads a dump and builds its topology the way the kernel did.
Built replay(const std::string& dump, AcpiImage& image, acpi::NumaMode mode = acpi::NumaMode::Auto) {
    std::string error;
    REQUIRE(image.load_dump(dump, error));
    acpi::TopologyOptions options;
    options.numa_mode = mode;
    options.fake_nodes = 2;
    options.ram_ranges = image.ram().data();
    options.num_ram_ranges = image.ram().size();
    options.rsdp_phys = image.rsdp_phys();
    return build(image, options);
}

}  // namespace

TEST_CASE("dump format: begin, ram, rsdp, short table lines, end", "[acpidump]") {
    Layout where;
    AcpiImage image = qemu_2x2().build(&where);
    platform::MemRange ram[] = {{0, 0x9fc00}, {0x100000, 0x20000000}};
    acpi::TopologyOptions options;
    options.ram_ranges = ram;
    options.num_ram_ranges = 2;
    std::vector<std::string> lines = lines_of(dump_of(image, options));
    REQUIRE(lines.size() > 5);
    CHECK(lines[0] == "acpidump begin");
    CHECK(lines[1] == "acpidump ram 0x0 0x9fc00");
    CHECK(lines[2] == "acpidump ram 0x100000 0x20000000");
    CHECK(lines[3].rfind("acpidump rsdp 0xf5a40 5253442050545220", 0) == 0);
    CHECK(lines[3].size() == std::string("acpidump rsdp 0xf5a40 ").size() + 72);
    CHECK(lines.back() == "acpidump end");
    for (const std::string& line : lines) {
        REQUIRE(line.rfind("acpidump ", 0) == 0);
        CHECK(line.size() <= 40 + 2 * acpi::kDumpBytesPerLine);
    }
    auto has = [&](const std::string& prefix) {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    };
    for (const char* sig : {"RSDT", "XSDT", "FACP", "DSDT", "APIC", "SRAT"})
        CHECK(has(std::string("acpidump table ") + sig + " 0x"));
    char second[64];
    snprintf(second, sizeof(second), "acpidump table SRAT 0x%llx 0x40 ",
             (unsigned long long)where.tables[1]);
    CHECK(has(second));
}

TEST_CASE("dump and replay give the same topology", "[acpidump]") {
    std::vector<Bytes> slit = {{10, 20}, {30, 10}};
    for (auto root : {ImageBuilder::Root::Rsdt, ImageBuilder::Root::Both, ImageBuilder::Root::XsdtOnly}) {
        AcpiImage original = qemu_like({{{0, 2}, 64 << 20}, {{4}, 0}}, slit).root(root).build();
        std::string dump = dump_of(original);
        AcpiImage copy;
        Built replayed = replay(dump, copy);
        Built direct = build(original);
        CHECK(replayed.warnings == "");
        CHECK(replayed.report == direct.report);
        CHECK(replayed.report ==
              "topology: nodes=2 cpus=3\n"
              "node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x4000000 distance=10,20\n"
              "node 1: cpus=2 mem=- distance=30,10\n");
    }
}

TEST_CASE("the loader takes a raw serial log", "[acpidump]") {
    AcpiImage original = qemu_2x2().build();
    std::string log = "SeaBIOS (version 1.16)\r\nacpi: warning: something\r\n";
    for (const std::string& line : lines_of(dump_of(original))) log += line + "\r\nproxima: tick\n";
    AcpiImage copy;
    Built b = replay(log, copy);
    CHECK(b.report == build(original).report);
}

TEST_CASE("the loader rejects damaged dumps", "[acpidump]") {
    AcpiImage original = qemu_2x2().build();
    std::vector<std::string> lines = lines_of(dump_of(original));
    auto join = [](const std::vector<std::string>& ls) {
        std::string text;
        for (const auto& l : ls) text += l + "\n";
        return text;
    };
    auto error_of = [](const std::string& text) {
        AcpiImage image;
        std::string error;
        return image.load_dump(text, error) ? std::string("loaded") : error;
    };
    CHECK(error_of(join(lines)) == "loaded");
    CHECK(error_of("") == "line 0: no \"acpidump begin\" line");

    auto no_end = lines;
    no_end.pop_back();
    CHECK(error_of(join(no_end)).find("truncated log") != std::string::npos);

    auto lost = lines;
    auto second_srat = std::find_if(lost.begin(), lost.end(), [](const std::string& l) {
        return l.rfind("acpidump table SRAT", 0) == 0 && l.find(" 0x40 ") != std::string::npos;
    });
    REQUIRE(second_srat != lost.end());
    lost.erase(second_srat);
    CHECK(error_of(join(lost)).find("lost serial line") != std::string::npos);

    auto bad_hex = lines;
    REQUIRE(bad_hex[1].rfind("acpidump rsdp ", 0) == 0);
    bad_hex[1] += "z";
    CHECK(error_of(join(bad_hex)).find("bad rsdp line") != std::string::npos);

    auto unknown = lines;
    unknown.insert(unknown.begin() + 1, "acpidump bogus 1 2");
    CHECK(error_of(join(unknown)).find("unknown acpidump line") != std::string::npos);
}

TEST_CASE("captured QEMU images match their expected topology", "[acpidump][captured]") {
    const char* env = getenv("PROXIMA_ACPI_DATA");
    std::filesystem::path dir = env != nullptr && *env != '\0' ? env : PROXIMA_ACPI_DATA_DEFAULT;
    INFO("captured ACPI images directory: " << dir.string());
    REQUIRE(std::filesystem::is_directory(dir));

    std::vector<std::filesystem::path> dumps;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.path().extension() == ".acpidump") dumps.push_back(entry.path());
    std::sort(dumps.begin(), dumps.end());
    INFO("a required fixture: capture <preset>.acpidump with the kernel's acpidump boot option");
    REQUIRE_FALSE(dumps.empty());

    for (const auto& dump : dumps) {
        std::filesystem::path expected_path = dump;
        expected_path.replace_extension(".expected");
        INFO("dump: " << dump.string());
        AcpiImage image;
        Built b = replay(read_file(dump), image);
        INFO("print_topology() gave:\n" << b.report);
        REQUIRE(std::filesystem::exists(expected_path));
        CHECK(b.report == read_file(expected_path));
        CHECK(b.warnings == "");

        // The other modes must cope with every real machine too.
        for (auto mode : {acpi::NumaMode::Off, acpi::NumaMode::Fake}) {
            AcpiImage again;
            Built other = replay(read_file(dump), again, mode);
            CHECK(other.topology.num_cpus == b.topology.num_cpus);
            CHECK(other.topology.num_nodes == (mode == acpi::NumaMode::Off ? 1u : 2u));
        }
    }
}
