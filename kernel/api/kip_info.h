// kip_info.h: the one-word information fields of the L4 X.2 kernel interface page.
//
// The KIP (kip.h) describes the kernel to user level in words whose bits mean
// different things. Each class below decodes one of those words; all are 32 bits:
//
//   ApiVersion     31..24 version (0x84 = X.2)     23..16 subversion     15..0 zero
//   ApiFlags       3..2 word size (0 = 32 bits)    1..0 endianness (0 = little)
//   MemoryInfo     31..16 offset of the memory descriptors from the KIP
//                  15..0 number of memory descriptors                  (kip_descriptors.h)
//   UtcbInfo       21..16 s: log2 of the smallest UTCB area
//                  15..10 a: log2 of the UTCB alignment
//                  9..0   m: a UTCB is m * 2^a bytes
//   KipAreaInfo    5..0   s: log2 of the KIP area a space must reserve
//   ClockInfo      31..16 schedule precision, 15..0 read precision (microseconds)
//   ThreadInfo     31..20 user base: first thread number of user threads
//                  19..8  system base: first number of kernel threads (below: interrupts)
//                  7..0   t: how many thread-number bits the kernel uses
//   PageInfo       31..10 page-size mask (bit n set: pages of 2^n bytes exist)
//                  2..0   rwx: which access rights the hardware can enforce
//   ProcessorInfo  31..28 s: log2 of a processor descriptor's size
//                  15..0  number of processors minus one
//
// What Pistachio puts there on IA32: version 0x84, subversion 0x05; flags 0; UTCB info
// m = 1, a = 9, s = 12 (512-byte UTCBs, 4 KiB area); KIP area s = 12; page info rwx = 6
// (read and write: IA32 without NX cannot refuse execution), mask 4 KiB | 4 MiB;
// processor descriptor size 2^4.
//
// Verified against Pistachio kernel/src/api/v4/kernelinterface.h (api_version_t,
// api_flags_t, memory_info_t, utcb_info_t, kip_area_info_t, clock_info_t, thread_info_t,
// page_info_t, processor_info_t), user/include/l4/kip.h (the same words, user side),
// api/v4/kernelinterface.cc (KIP_API_VERSION 0x84/0x05) and glue/v4-x86/x32/config.h.
#pragma once

#include <stdint.h>

#include "api/rights.h"
#include "api/word.h"

namespace api {

inline constexpr Word kApiVersionX2 = 0x84;
inline constexpr Word kApiSubversionPistachio = 0x05;

/// Base of the info words: one Word.
class KipWord {
public:
    [[nodiscard]] constexpr Word raw() const { return m_raw; }

protected:
    constexpr KipWord() = default;
    explicit constexpr KipWord(Word raw) : m_raw(raw) {}
    Word m_raw = 0;
};

class ApiVersion : public KipWord {
public:
    constexpr ApiVersion() = default;
    explicit constexpr ApiVersion(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr ApiVersion make(Word version, Word subversion) {
        return ApiVersion(put_bits(version, 24, 8) | put_bits(subversion, 16, 8));
    }
    [[nodiscard]] constexpr Word version() const { return get_bits(m_raw, 24, 8); }
    [[nodiscard]] constexpr Word subversion() const { return get_bits(m_raw, 16, 8); }
};

class ApiFlags : public KipWord {
public:
    constexpr ApiFlags() = default;
    explicit constexpr ApiFlags(Word raw) : KipWord(raw) {}
    [[nodiscard]] constexpr Word endianness() const { return get_bits(m_raw, 0, 2); }
    [[nodiscard]] constexpr Word word_size() const { return get_bits(m_raw, 2, 2); }
};

class MemoryInfo : public KipWord {
public:
    constexpr MemoryInfo() = default;
    explicit constexpr MemoryInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr MemoryInfo make(Word descriptors_offset, Word count) {
        return MemoryInfo(put_bits(descriptors_offset, 16, 16) | put_bits(count, 0, 16));
    }
    [[nodiscard]] constexpr Word count() const { return get_bits(m_raw, 0, 16); }
    [[nodiscard]] constexpr Word descriptors_offset() const { return get_bits(m_raw, 16, 16); }
};

class UtcbInfo : public KipWord {
public:
    constexpr UtcbInfo() = default;
    explicit constexpr UtcbInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr UtcbInfo make(Word multiplier, Word log2_alignment, Word log2_min_area) {
        return UtcbInfo(put_bits(log2_min_area, 16, 6) | put_bits(log2_alignment, 10, 6) | put_bits(multiplier, 0, 10));
    }
    [[nodiscard]] constexpr Word multiplier() const { return get_bits(m_raw, 0, 10); }
    [[nodiscard]] constexpr Word log2_alignment() const { return get_bits(m_raw, 10, 6); }
    [[nodiscard]] constexpr Word log2_min_area() const { return get_bits(m_raw, 16, 6); }
    [[nodiscard]] constexpr Word utcb_size() const { return multiplier() << log2_alignment(); }
};

class KipAreaInfo : public KipWord {
public:
    constexpr KipAreaInfo() = default;
    explicit constexpr KipAreaInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] constexpr Word log2_size() const { return get_bits(m_raw, 0, 6); }
};

class ClockInfo : public KipWord {
public:
    constexpr ClockInfo() = default;
    explicit constexpr ClockInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr ClockInfo make(Word read_precision, Word schedule_precision) {
        return ClockInfo(put_bits(schedule_precision, 16, 16) | put_bits(read_precision, 0, 16));
    }
    [[nodiscard]] constexpr Word read_precision() const { return get_bits(m_raw, 0, 16); }
    [[nodiscard]] constexpr Word schedule_precision() const { return get_bits(m_raw, 16, 16); }
};

class ThreadInfo : public KipWord {
public:
    constexpr ThreadInfo() = default;
    explicit constexpr ThreadInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr ThreadInfo make(Word number_bits, Word system_base, Word user_base) {
        return ThreadInfo(put_bits(user_base, 20, 12) | put_bits(system_base, 8, 12) | put_bits(number_bits, 0, 8));
    }
    [[nodiscard]] constexpr Word number_bits() const { return get_bits(m_raw, 0, 8); }
    [[nodiscard]] constexpr Word system_base() const { return get_bits(m_raw, 8, 12); }
    [[nodiscard]] constexpr Word user_base() const { return get_bits(m_raw, 20, 12); }
};

class PageInfo : public KipWord {
public:
    constexpr PageInfo() = default;
    explicit constexpr PageInfo(Word raw) : KipWord(raw) {}
    /// `page_sizes`: bit n set for pages of 2^n bytes (n >= 10).
    [[nodiscard]] static constexpr PageInfo make(Word page_sizes, Rights rights) {
        return PageInfo((page_sizes & ~low_mask(10)) | rights_bits(rights));
    }
    [[nodiscard]] constexpr Word page_sizes() const { return m_raw & ~low_mask(10); }
    [[nodiscard]] constexpr Rights rights() const { return rights_from_bits(m_raw); }
};

class ProcessorInfo : public KipWord {
public:
    constexpr ProcessorInfo() = default;
    explicit constexpr ProcessorInfo(Word raw) : KipWord(raw) {}
    [[nodiscard]] static constexpr ProcessorInfo make(Word processors, Word log2_descriptor_size) {
        return ProcessorInfo(put_bits(log2_descriptor_size, 28, 4) | put_bits(processors - 1, 0, 16));
    }
    [[nodiscard]] constexpr Word processors() const { return get_bits(m_raw, 0, 16) + 1; }
    [[nodiscard]] constexpr Word descriptor_size() const { return Word{1} << get_bits(m_raw, 28, 4); }
};

static_assert(ApiVersion::make(kApiVersionX2, kApiSubversionPistachio).raw() == 0x84050000);
static_assert(UtcbInfo::make(1, 9, 12).raw() == 0x000C2401 && UtcbInfo::make(1, 9, 12).utcb_size() == 512);
static_assert(ProcessorInfo::make(4, 4).raw() == 0x40000003);

}  // namespace api
