// kip_descriptors.h: the descriptors the KIP points to (memory, processors, the kernel),
// and Proxima's NUMA extension of them (docs/kip-numa.md).
//
// Memory descriptor: two words; MemoryInfo (kip_info.h) gives their offset and count.
//
//    31                                10  9   8   7       4 3       0
//   +------------------------------------+---+---+---------+---------+
//   |  low: address bits 31..10          | v | ~ |  t      |  type   |   word 0
//   +------------------------------------+---+---+---------+---------+
//   |  high: address bits 31..10         |  ~ (10 bits)                |   word 1
//   +------------------------------------+-----------------------------+
//
//   The region is [low << 10, (high << 10) + 0x3FF], 1 KiB granules, both ends inclusive.
//   v = 1: the range is virtual (in every address space), else physical.
//   type: MemoryType below; t: subtype, defined by X.2 for types 0xE and 0xF only.
//   When descriptors overlap, the later one counts: Pistachio's sigma0 walks them in
//   order and gives each range the type of the last descriptor that covers it.
//
// Processor descriptor: 2^s bytes each (s in ProcessorInfo, 4 on IA32), one per CPU:
//   word 0 external (bus) frequency, word 1 internal frequency (kHz: unverified),
//   words 2 and 3 reserved by X.2 (Pistachio keeps a frequency-change word in word 2;
//   word 3 is its "arch1", unused on IA32; Proxima puts the CPU's node there, below).
//
// Kernel descriptor, at KIP + kernel_descriptor_offset:
//   word 0 KernelId: 31..24 id, 23..16 subid (Pistachio: id 4, subid 2)
//   word 1 generation date: 15..9 year - 2000, 8..5 month, 4..0 day
//   word 2 KernelVersion: 31..24 version, 23..16 subversion, 15..0 subsubversion
//   word 3 supplier: four characters, not NUL-terminated (Pistachio: "UKa ")
//   then the version string and the feature strings, each NUL-terminated; an empty
//   string ends the list.
//
// Verified against Pistachio kernel/src/api/v4/memdesc.h (memdesc_t, type_e, low/high),
// user/include/l4/kip.h (L4_MemoryDesc_t, L4_ProcDesc_t, L4_KernelDesc_t, L4_Feature),
// kernel/include/api/v4/procdesc.h (procdesc_t, KIP_PROC_DESC_LOG2SIZE 4),
// api/v4/kernelinterface.h/.cc (kernel_descriptor_t, kdesc) and
// user/serv/sigma0/sigma0_mem.cc (init_mempool_from_kip).
#pragma once

#include <stdint.h>

#include "api/word.h"

namespace api {

enum class MemoryType : uint8_t {
    Undefined = 0x0,
    Conventional = 0x1,  ///< RAM that sigma0 hands out
    Reserved = 0x2,      ///< used by the kernel
    Dedicated = 0x3,     ///< device memory and the like
    Shared = 0x4,        ///< shared with other agents (firmware, other kernels)
    ProximaNode = 0xD,   ///< Proxima extension: this physical RAM belongs to node t
    BootLoader = 0xE,    ///< boot-loader specific, subtype t
    Architecture = 0xF,  ///< architecture specific, subtype t
};

class MemoryDescriptor {
public:
    /// [first, last] with both ends inclusive; their low 10 bits are dropped.
    [[nodiscard]] static constexpr MemoryDescriptor make(MemoryType type, Word subtype, bool is_virtual,
                                                         Word first, Word last) {
        return from_words((first & ~low_mask(10)) | put_bits(is_virtual ? 1 : 0, 9, 1) | put_bits(subtype, 4, 4) |
                              put_bits(static_cast<Word>(type), 0, 4),
                          last & ~low_mask(10));
    }
    /// Proxima: physical RAM [first, last] on NUMA node `node` (0..15).
    [[nodiscard]] static constexpr MemoryDescriptor node_memory(unsigned node, Word first, Word last) {
        if (node >= kMaxDescribedNodes) __builtin_trap();
        return make(MemoryType::ProximaNode, node, false, first, last);
    }
    [[nodiscard]] static constexpr MemoryDescriptor from_words(Word word0, Word word1) {
        MemoryDescriptor d;
        d.m_word0 = word0;
        d.m_word1 = word1;
        return d;
    }

    [[nodiscard]] constexpr Word word0() const { return m_word0; }
    [[nodiscard]] constexpr Word word1() const { return m_word1; }
    [[nodiscard]] constexpr MemoryType type() const { return static_cast<MemoryType>(get_bits(m_word0, 0, 4)); }
    [[nodiscard]] constexpr Word subtype() const { return get_bits(m_word0, 4, 4); }
    [[nodiscard]] constexpr bool is_virtual() const { return get_bits(m_word0, 9, 1) != 0; }
    /// First byte of the region.
    [[nodiscard]] constexpr Word low() const { return m_word0 & ~low_mask(10); }
    /// Last byte of the region (inclusive, so a region may end at 0xFFFFFFFF).
    [[nodiscard]] constexpr Word high() const { return m_word1 | low_mask(10); }
    [[nodiscard]] constexpr uint64_t size() const { return uint64_t{high()} - low() + 1; }

    [[nodiscard]] constexpr bool is_node_memory() const {
        return type() == MemoryType::ProximaNode && !is_virtual();
    }
    /// For node memory: the node.
    [[nodiscard]] constexpr unsigned node() const { return subtype(); }

    /// The subtype field has 4 bits; the kernel's own limit must fit.
    static constexpr unsigned kMaxDescribedNodes = 16;

    friend constexpr bool operator==(MemoryDescriptor, MemoryDescriptor) = default;

private:
    Word m_word0 = 0;
    Word m_word1 = 0;
};

static_assert(sizeof(MemoryDescriptor) == 8);
static_assert(MemoryDescriptor::make(MemoryType::Conventional, 0, false, 0x100000, 0x7FFFFFF).word0() == 0x100001);

/// Proxima: word 3 of a processor descriptor. Bit 31 says the word is valid (a Pistachio
/// KIP has 0 here, which must not read as "node 0"); bits 15..0 are the CPU's node.
class NodeWord {
public:
    static constexpr Word kValid = Word{1} << 31;

    [[nodiscard]] static constexpr NodeWord none() { return from_raw(0); }
    [[nodiscard]] static constexpr NodeWord of(unsigned node) { return from_raw(kValid | put_bits(node, 0, 16)); }
    [[nodiscard]] static constexpr NodeWord from_raw(Word raw) {
        NodeWord w;
        w.m_raw = raw;
        return w;
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr bool has_node() const { return (m_raw & kValid) != 0; }
    [[nodiscard]] constexpr unsigned node() const { return get_bits(m_raw, 0, 16); }

    friend constexpr bool operator==(NodeWord, NodeWord) = default;

private:
    Word m_raw = 0;
};

struct ProcessorDescriptor {
    Word external_frequency;
    Word internal_frequency;
    Word reserved;
    NodeWord proxima_node;
};

/// log2 of sizeof(ProcessorDescriptor), the s of ProcessorInfo.
inline constexpr Word kLog2ProcessorDescriptorSize = 4;
static_assert(sizeof(ProcessorDescriptor) == Word{1} << kLog2ProcessorDescriptorSize);

struct KernelDescriptor {
    Word kernel_id;
    Word generation_date;
    Word kernel_version;
    char supplier[4];
    // the version string and the feature strings follow
};

static_assert(sizeof(KernelDescriptor) == 16);

[[nodiscard]] constexpr Word make_kernel_id(Word id, Word subid) { return put_bits(id, 24, 8) | put_bits(subid, 16, 8); }
[[nodiscard]] constexpr Word make_generation_date(Word year, Word month, Word day) {
    return put_bits(year - 2000, 9, 7) | put_bits(month, 5, 4) | put_bits(day, 0, 5);
}
[[nodiscard]] constexpr Word make_kernel_version(Word version, Word subversion, Word subsubversion) {
    return put_bits(version, 24, 8) | put_bits(subversion, 16, 8) | put_bits(subsubversion, 0, 16);
}

/// Proxima: the feature string that says the KIP carries the NUMA extension.
inline constexpr char kNumaFeature[] = "proxima-numa";

static_assert(make_kernel_id(4, 2) == 0x04020000);  // L4Ka::Pistachio
static_assert(make_generation_date(2024, 12, 31) == ((24u << 9) | (12u << 5) | 31u));

}  // namespace api
