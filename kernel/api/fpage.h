// fpage.h: L4 X.2 flexpages: memory fpages and IA32 IO fpages.
//
// An fpage ("flexpage") names a naturally aligned region of 2^s bytes together with
// access rights. Map and grant items carry them (map_item.h), Unmap takes them, the
// acceptor's receive window is one (acceptor.h).
//
// Memory fpage (32-bit word):
//
//    31                                10 9            4   3   2   1   0
//   +------------------------------------+--------------+---+---+---+---+
//   |  base b: address bits 31..10       |  size s      | ~ | r | w | x |
//   +------------------------------------+--------------+---+---+---+---+
//
//   region = [b << 10 rounded down to a multiple of 2^s, + 2^s)
//   ~ (bit 3) is reserved: Pistachio's user and kernel headers both name it `reserved`
//     and ignore it; we keep it but give it no meaning.
//   nil fpage: all 32 bits zero. Complete address space: s = 1, b = 0, any rights.
//
// IO fpage (IA32 only): the IO port space as a second address space of 2^16 ports.
//
//    31                  16 15          10 9            4 3            0
//   +----------------------+--------------+--------------+--------------+
//   |  port p              |  size s      |  0 0 0 0 1 0 |  ~ (ignored) |
//   +----------------------+--------------+--------------+--------------+
//
//   Bits 9..4 hold the value 2, where a memory fpage keeps its size: no memory fpage
//   has s = 2, so that is how the kernel tells them apart. The ports are
//   [p rounded down to 2^s, + 2^s); s = 16, p = 0 is the whole IO space. The kernel
//   ignores the rights bits: an IO fpage grants full access.
//
// Verified against Pistachio: user/include/l4/types.h (L4_Fpage_t: rwx:3, reserved:1, s:6,
// b:22; L4_CompleteAddressSpace s = 1; L4_Address rounds down), kernel/include/api/v4/
// fpage.h (is_complete_mempage: s == 1 && b == 0; get_address rounds down),
// user/include/l4/ia32/arch.h (L4_IoFpage_t: rwx:4, __two:6, s:6, p:16) and
// kernel/src/glue/v4-x86/io_fpage.h (complete IO fpage: s = 16, p = 0).
//
// Alignment: Pistachio rounds an unaligned base down instead of rejecting it, and
// sigma0's "any page of this size" request relies on that (its fpage has base ~0).
// So address() rounds down like Pistachio, and is_base_aligned() is a separate check
// for the callers that want it.
#pragma once

#include <stdint.h>

#include "api/error.h"
#include "api/rights.h"
#include "api/word.h"

namespace api {

/// log2 of the smallest page on IA32, and so of the smallest useful memory fpage (the
/// KIP's page info lists 4 KiB and 4 MiB pages).
inline constexpr unsigned kMinMemoryFpageLog2 = 12;
/// log2 of the whole 32-bit address space.
inline constexpr unsigned kMaxMemoryFpageLog2 = 32;
/// The size-field value that marks an IO fpage, and the size of the IO space.
inline constexpr Word kIoFpageMarker = 2;
inline constexpr unsigned kIoSpaceLog2 = 16;

class Fpage {
public:
    [[nodiscard]] static constexpr Fpage from_raw(Word raw) {
        Fpage f;
        f.m_raw = raw;
        return f;
    }
    [[nodiscard]] static constexpr Fpage nil() { return from_raw(0); }
    [[nodiscard]] static constexpr Fpage complete(Rights rights = Rights::None) {
        return from_raw(put_bits(1, 4, 6) | rights_bits(rights));
    }
    /// The fpage of 2^log2_size bytes at `base`, like Pistachio's L4_FpageLog2: `base` is
    /// stored as given (bits 9..0 dropped), not rounded to the size.
    [[nodiscard]] static constexpr Fpage memory(Word base, unsigned log2_size, Rights rights) {
        return from_raw((base & ~low_mask(10)) | put_bits(log2_size, 4, 6) | rights_bits(rights));
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr unsigned log2_size() const { return get_bits(m_raw, 4, 6); }
    [[nodiscard]] constexpr Rights rights() const { return rights_from_bits(m_raw); }
    [[nodiscard]] constexpr bool reserved_bit() const { return get_bits(m_raw, 3, 1) != 0; }

    [[nodiscard]] constexpr bool is_nil() const { return m_raw == 0; }
    [[nodiscard]] constexpr bool is_io() const { return log2_size() == kIoFpageMarker; }
    [[nodiscard]] constexpr bool is_complete() const { return log2_size() == 1 && base() == 0; }

    /// A memory fpage the kernel can act on: the complete address space, or a size from
    /// one IA32 page (4 KiB) up to the whole 4 GiB. Nil, IO fpages and sizes 0, 3..11
    /// and 33..63 are not.
    [[nodiscard]] constexpr bool is_valid_memory() const {
        if (is_complete()) return true;
        return log2_size() >= kMinMemoryFpageLog2 && log2_size() <= kMaxMemoryFpageLog2;
    }

    /// The base as stored (address bits 31..10), not rounded to the size.
    [[nodiscard]] constexpr Word base() const { return m_raw & ~low_mask(10); }
    /// The first address of the region: base() rounded down to the size, as Pistachio does.
    [[nodiscard]] constexpr Word address() const {
        if (is_complete()) return 0;
        return base() & ~low_mask(log2_size());
    }
    [[nodiscard]] constexpr bool is_base_aligned() const { return base() == address(); }
    /// The region's size in bytes (2^32 for the complete address space; 64-bit so that fits).
    [[nodiscard]] constexpr uint64_t size() const {
        if (is_complete()) return uint64_t{1} << kMaxMemoryFpageLog2;
        return uint64_t{1} << log2_size();
    }
    /// One past the last byte of the region.
    [[nodiscard]] constexpr uint64_t end() const { return address() + size(); }

    [[nodiscard]] constexpr Fpage with_rights(Rights r) const {
        return from_raw((m_raw & ~Word{7}) | rights_bits(r));
    }

    /// For valid memory fpages: is `addr` inside the region?
    [[nodiscard]] constexpr bool contains(Word addr) const { return addr >= address() && addr < end(); }
    /// For valid memory fpages: is all of `other` inside this region?
    [[nodiscard]] constexpr bool contains(Fpage other) const {
        return other.address() >= address() && other.end() <= end();
    }
    /// For valid memory fpages: do the two regions share a byte?
    [[nodiscard]] constexpr bool overlaps(Fpage other) const {
        return address() < other.end() && other.address() < end();
    }

    friend constexpr bool operator==(Fpage, Fpage) = default;

private:
    Word m_raw = 0;
};

/// `f` if it is a valid memory fpage (see is_valid_memory), else InvalidParam.
[[nodiscard]] constexpr Result<Fpage> try_memory_fpage(Fpage f) {
    if (!f.is_valid_memory()) return Error::InvalidParam;
    return f;
}

class IoFpage {
public:
    /// 2^log2_size ports at `port` (stored as given, like Pistachio's L4_IoFpageLog2).
    [[nodiscard]] static constexpr IoFpage make(uint16_t port, unsigned log2_size) {
        IoFpage f;
        f.m_raw = put_bits(port, 16, 16) | put_bits(log2_size, 10, 6) | put_bits(kIoFpageMarker, 4, 6);
        return f;
    }
    [[nodiscard]] static constexpr IoFpage complete() { return make(0, kIoSpaceLog2); }

    /// `f` read as an IO fpage, or InvalidParam if it is not one or is larger than the IO
    /// space. An unaligned port is rounded down, as for memory fpages.
    [[nodiscard]] static constexpr Result<IoFpage> try_from(Fpage f) {
        IoFpage io;
        io.m_raw = f.raw();
        if (!f.is_io() || io.log2_size() > kIoSpaceLog2) return Error::InvalidParam;
        return io;
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr Fpage fpage() const { return Fpage::from_raw(m_raw); }
    [[nodiscard]] constexpr uint16_t port() const { return static_cast<uint16_t>(get_bits(m_raw, 16, 16)); }
    [[nodiscard]] constexpr unsigned log2_size() const { return get_bits(m_raw, 10, 6); }
    [[nodiscard]] constexpr uint32_t size() const { return uint32_t{1} << log2_size(); }
    /// The first port: port() rounded down to the size.
    [[nodiscard]] constexpr Word first_port() const { return port() & ~low_mask(log2_size()); }
    [[nodiscard]] constexpr bool is_port_aligned() const { return port() == first_port(); }
    /// One past the last port (at most 0x10000).
    [[nodiscard]] constexpr Word end() const { return first_port() + size(); }
    [[nodiscard]] constexpr bool is_complete() const { return log2_size() == kIoSpaceLog2 && port() == 0; }

    [[nodiscard]] constexpr bool contains(Word port) const { return port >= first_port() && port < end(); }
    [[nodiscard]] constexpr bool overlaps(IoFpage other) const {
        return first_port() < other.end() && other.first_port() < end();
    }

    friend constexpr bool operator==(IoFpage, IoFpage) = default;

private:
    Word m_raw = 0;
};

static_assert(sizeof(Fpage) == 4 && sizeof(IoFpage) == 4);
static_assert(Fpage::complete().raw() == 0x10);
static_assert(Fpage::memory(0x00400000, 22, Rights::Full).raw() == 0x00400167);
static_assert(IoFpage::make(0x3F8, 3).raw() == 0x03F80C20);
static_assert(IoFpage::complete().raw() == 0x00004020);

}  // namespace api
