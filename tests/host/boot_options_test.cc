// boot_options_test.cc: the kernel command-line parser (kernel/platform/boot_options.h).
#include <catch2/catch.hpp>

#include <string>

#include "platform/boot_options.h"

using platform::BootOptions;
using platform::parse_boot_options;

TEST_CASE("boot options: QEMU's kernel path is skipped, GRUB's bare args are not", "[boot_options]") {
    BootOptions o;
    parse_boot_options("build/release/kernel.elf exit test=all nonce=abc123", o);
    CHECK(o.exit_when_done);
    CHECK(std::string(o.tests) == "all");
    CHECK(std::string(o.nonce) == "abc123");
    CHECK(std::string(o.unknown).empty());

    parse_boot_options("kernel.elf", o);  // a bare file name ending in .elf is a path too
    CHECK(std::string(o.unknown).empty());

    parse_boot_options("exit numa=off", o);  // no path: the first word is an option
    CHECK(o.exit_when_done);
    CHECK(o.numa == acpi::NumaMode::Off);
}

TEST_CASE("boot options: numa modes", "[boot_options]") {
    BootOptions o;
    parse_boot_options("/boot/kernel.elf numa=fake:4", o);
    CHECK(o.numa == acpi::NumaMode::Fake);
    CHECK(o.fake_nodes == 4);

    for (const char* bad : {"numa=fake:", "numa=fake:0", "numa=fake:x2", "numa=fake:-1", "numa=fake:99999999999"}) {
        parse_boot_options(bad, o);
        INFO(bad);
        CHECK(o.numa == acpi::NumaMode::Auto);
        CHECK(std::string(o.unknown) == bad);
    }
}

TEST_CASE("boot options: flags, unknown words, empty and odd spacing", "[boot_options]") {
    BootOptions o;
    parse_boot_options(nullptr, o);
    CHECK_FALSE(o.exit_when_done);
    CHECK(o.smp);
    CHECK(o.replicate_code);
    CHECK(o.migrate_tcbs);
    CHECK(o.ipc_fast_path);

    parse_boot_options("  acpidump\tsmp=off   frobnicate  x=1 replicate=off tcb_migration=off fastpath=off", o);
    CHECK(o.acpi_dump);
    CHECK_FALSE(o.smp);
    CHECK_FALSE(o.replicate_code);
    CHECK_FALSE(o.migrate_tcbs);
    CHECK_FALSE(o.ipc_fast_path);
    CHECK(std::string(o.unknown) == "frobnicate x=1");
}

TEST_CASE("boot options: overlong values are cut, never overflow", "[boot_options]") {
    BootOptions o;
    std::string line = "nonce=" + std::string(500, 'n') + " test=" + std::string(3000, 't');
    parse_boot_options(line.c_str(), o);
    CHECK(std::string(o.nonce) == std::string(sizeof(o.nonce) - 1, 'n'));
    CHECK(std::string(o.tests) == std::string(sizeof(o.tests) - 1, 't'));
    CHECK(o.tests_cut);
    parse_boot_options("test=a,b", o);
    CHECK_FALSE(o.tests_cut);
}

TEST_CASE("boot options: kmem pool size", "[boot_options]") {
    BootOptions o;
    parse_boot_options("kmem=8M", o);
    CHECK(o.kmem_pool_bytes == 8u * 1024 * 1024);
    parse_boot_options("kmem=512K", o);
    CHECK(o.kmem_pool_bytes == 512u * 1024);
    parse_boot_options("kmem=65536", o);
    CHECK(o.kmem_pool_bytes == 65536);
    for (const char* bad : {"kmem=", "kmem=0", "kmem=8G", "kmem=2048M", "kmem=12X", "kmem=M"}) {
        parse_boot_options(bad, o);
        INFO(bad);
        CHECK(o.kmem_pool_bytes == 0);
        CHECK(std::string(o.unknown) == bad);
    }
}
