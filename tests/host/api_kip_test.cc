// api_kip_test.cc: the KIP layout, its info words and descriptors, and the NUMA extension
// (kernel/api/kip.h, kip_info.h, kip_descriptors.h).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "api/kip.h"
#include "api/kip_descriptors.h"
#include "platform/topology.h"  // every node the kernel can have must be describable

using api::KernelInterfacePage;
using api::MemoryDescriptor;
using api::MemoryType;
using api::Word;

namespace {

// The KIP as user level sees it: an array of words.
std::vector<Word> words_of(const KernelInterfacePage& kip) {
    std::vector<Word> words(sizeof(kip) / sizeof(Word));
    std::memcpy(words.data(), &kip, sizeof(kip));
    return words;
}

}  // namespace

TEST_CASE("kip: the magic is the bytes L 4 0xE6 K", "[api][kip]") {
    KernelInterfacePage kip{};
    kip.magic = api::kKipMagic;
    unsigned char bytes[4];
    std::memcpy(bytes, &kip, 4);
    CHECK(bytes[0] == 'L');
    CHECK(bytes[1] == '4');
    CHECK(bytes[2] == 0xE6);
    CHECK(bytes[3] == 'K');
}

TEST_CASE("kip: fields sit at the offsets user libraries read", "[api][kip]") {
    KernelInterfacePage kip{};
    kip.magic = api::kKipMagic;
    kip.api_version = api::ApiVersion::make(api::kApiVersionX2, api::kApiSubversionPistachio);
    kip.kernel_descriptor_offset = 0x800;
    kip.sigma0 = {0x1000, 0x2000, {0x00100000, 0x0011FFFF}};
    kip.root_server.ip = 0x00300000;
    kip.memory_info = api::MemoryInfo::make(0x200, 5);
    kip.utcb_info = api::UtcbInfo::make(1, 9, 12);
    kip.kip_area_info = api::KipAreaInfo(12);
    kip.boot_info = 0x9000;
    kip.processor_descriptors_offset = 0x120;
    kip.clock_info = api::ClockInfo::make(1, 1000);
    kip.thread_info = api::ThreadInfo::make(17, 64, 128);
    kip.page_info = api::PageInfo::make((1u << 12) | (1u << 22), api::Rights::ReadWrite);
    kip.processor_info = api::ProcessorInfo::make(4, api::kLog2ProcessorDescriptorSize);
    kip.space_control = 0xD00;
    kip.ipc = 0xE00;
    kip.lipc = 0xE40;
    kip.system_clock = 0xF00;
    kip.schedule = 0xF80;

    std::vector<Word> w = words_of(kip);
    CHECK(w[0x00 / 4] == 0x4BE6344C);
    CHECK(w[0x04 / 4] == 0x84050000);
    CHECK(w[0x0C / 4] == 0x800);
    CHECK(w[0x20 / 4] == 0x1000);      // sigma0 sp
    CHECK(w[10] == 0x00100000);        // what Pistachio's sigma0 reads as its memory
    CHECK(w[11] == 0x0011FFFF);
    CHECK(w[0x44 / 4] == 0x00300000);  // root server ip
    CHECK(w[0x54 / 4] == 0x02000005);
    CHECK(w[0xA8 / 4] == 0x000C2401);
    CHECK(w[0xAC / 4] == 12);
    CHECK(w[0xB8 / 4] == 0x9000);
    CHECK(w[0xBC / 4] == 0x120);
    CHECK(w[0xC0 / 4] == ((1000u << 16) | 1));
    CHECK(w[0xC4 / 4] == ((128u << 20) | (64u << 8) | 17));
    CHECK(w[0xC8 / 4] == 0x00401006);
    CHECK(w[0xCC / 4] == 0x40000003);
    CHECK(w[0xD0 / 4] == 0xD00);
    CHECK(w[0xE0 / 4] == 0xE00);
    CHECK(w[0xE4 / 4] == 0xE40);
    CHECK(w[0xF0 / 4] == 0xF00);
    CHECK(w[0xF8 / 4] == 0xF80);
    CHECK(w.size() == 0x120 / 4);
}

TEST_CASE("kip: info words decode", "[api][kip]") {
    api::UtcbInfo utcb = api::UtcbInfo::make(1, 9, 12);
    CHECK(utcb.multiplier() == 1);
    CHECK(utcb.log2_alignment() == 9);
    CHECK(utcb.log2_min_area() == 12);
    CHECK(utcb.utcb_size() == 512);
    CHECK(api::ApiVersion(0x84050000).version() == 0x84);
    CHECK(api::ApiVersion(0x84050000).subversion() == 0x05);
    CHECK(api::ApiFlags(0).endianness() == 0);
    CHECK(api::ApiFlags(0).word_size() == 0);
    CHECK(api::ApiFlags(0xD).word_size() == 3);
    CHECK(api::MemoryInfo(0x02000005).count() == 5);
    CHECK(api::MemoryInfo(0x02000005).descriptors_offset() == 0x200);
    CHECK(api::ThreadInfo::make(17, 64, 128).user_base() == 128);
    CHECK(api::ThreadInfo::make(17, 64, 128).system_base() == 64);
    CHECK(api::ThreadInfo::make(17, 64, 128).number_bits() == 17);
    CHECK(api::PageInfo(0x00401006).page_sizes() == ((1u << 12) | (1u << 22)));
    CHECK(api::PageInfo(0x00401006).rights() == api::Rights::ReadWrite);
    CHECK(api::ProcessorInfo(0x40000003).processors() == 4);
    CHECK(api::ProcessorInfo(0x40000003).descriptor_size() == 16);
    CHECK(api::ClockInfo::make(1, 1000).schedule_precision() == 1000);
    CHECK(api::KipAreaInfo(0xFFFFFFCC).log2_size() == 12);
}

TEST_CASE("kip: memory descriptors round-trip", "[api][kip]") {
    for (MemoryType type : {MemoryType::Undefined, MemoryType::Conventional, MemoryType::Reserved,
                            MemoryType::Dedicated, MemoryType::Shared, MemoryType::BootLoader,
                            MemoryType::Architecture}) {
        for (bool virt : {false, true}) {
            MemoryDescriptor d = MemoryDescriptor::make(type, 3, virt, 0x00100000, 0x07FFFFFF);
            CHECK(d.type() == type);
            CHECK(d.subtype() == 3);
            CHECK(d.is_virtual() == virt);
            CHECK(d.low() == 0x00100000);
            CHECK(d.high() == 0x07FFFFFF);
            CHECK(d.size() == 0x07F00000);
            CHECK(MemoryDescriptor::from_words(d.word0(), d.word1()) == d);
            CHECK_FALSE(d.is_node_memory());
        }
    }
}

TEST_CASE("kip: memory descriptor bit patterns", "[api][kip]") {
    // Conventional RAM [1 MiB, 128 MiB): Pistachio's insert(conventional, false, 1M, 128M).
    MemoryDescriptor ram = MemoryDescriptor::make(MemoryType::Conventional, 0, false, 0x00100000, 0x07FFFFFF);
    CHECK(ram.word0() == 0x00100001);
    CHECK(ram.word1() == 0x07FFFC00);
    // A virtual reserved range up to the top of the address space.
    MemoryDescriptor top = MemoryDescriptor::make(MemoryType::Reserved, 0, true, 0xC0000000, 0xFFFFFFFF);
    CHECK(top.word0() == 0xC0000202);
    CHECK(top.high() == 0xFFFFFFFF);
    CHECK(top.size() == 0x40000000);
    // Addresses keep 1 KiB granules: low rounds down, high rounds up to ...3FF.
    MemoryDescriptor odd = MemoryDescriptor::make(MemoryType::Dedicated, 0, false, 0x000A0123, 0x000BFC00);
    CHECK(odd.low() == 0x000A0000);
    CHECK(odd.high() == 0x000BFFFF);
}

TEST_CASE("kip: NUMA node memory and processor nodes", "[api][kip]") {
    for (unsigned node = 0; node < platform::kMaxNodes; ++node) {
        MemoryDescriptor d = MemoryDescriptor::node_memory(node, 0x10000000 * (node % 8), 0x10000000 * (node % 8) + 0x0FFFFFFF);
        CHECK(d.is_node_memory());
        CHECK(d.type() == MemoryType::ProximaNode);
        CHECK(d.node() == node);
        CHECK_FALSE(d.is_virtual());
        CHECK(d.size() == 0x10000000);
    }
    CHECK(MemoryDescriptor::node_memory(3, 0x20000000, 0x3FFFFFFF).word0() == 0x2000003D);
    // A virtual descriptor of type 0xD is not node memory.
    CHECK_FALSE(MemoryDescriptor::make(MemoryType::ProximaNode, 1, true, 0, 0xFFFFF).is_node_memory());

    api::ProcessorDescriptor pd{};
    CHECK_FALSE(pd.proxima_node.has_node());  // what a Pistachio KIP holds
    pd.proxima_node = api::NodeWord::of(0);
    CHECK(pd.proxima_node.has_node());
    CHECK(pd.proxima_node.node() == 0);
    CHECK(pd.proxima_node.raw() == 0x80000000);
    CHECK(api::NodeWord::of(5).raw() == 0x80000005);
    CHECK(api::NodeWord::from_raw(0x80000005).node() == 5);
    Word raw[4];
    std::memcpy(raw, &pd, sizeof(raw));
    CHECK(raw[3] == 0x80000000);
}

TEST_CASE("kip: kernel descriptor words", "[api][kip]") {
    CHECK(sizeof(api::KernelDescriptor) == 16);
    CHECK(api::make_kernel_id(4, 2) == 0x04020000);
    CHECK(api::make_kernel_version(0, 1, 2) == 0x00010002);
    Word date = api::make_generation_date(2025, 6, 15);
    CHECK((date & 0x1F) == 15);
    CHECK(((date >> 5) & 0xF) == 6);
    CHECK(((date >> 9) & 0x7F) + 2000 == 2025);
    CHECK(std::strcmp(api::kNumaFeature, "proxima-numa") == 0);
}
