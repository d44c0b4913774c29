// elf.h: checking and loading ELF32 i386 executables (sigma0, the root task, user programs).
//
// The kernel loads sigma0 and the root task from multiboot modules with this code, and
// user-level program loaders reuse it. It is pure code: it reads only the bytes it is given
// and writes only through a SegmentSink, so the Catch2 host tests run it on real and
// corrupted ELF files under AddressSanitizer (tests/host/elf_test.cc).
//
// Two steps, like a system call's decode and invoke:
//  1. try_parse() checks every header field against the image size and the user-space
//     limit, with overflow-safe arithmetic, and returns an ElfImage: the entry point and
//     the loadable (PT_LOAD) segments. Nothing is written.
//  2. try_load() hands each segment to a SegmentSink, which copies the segment's file bytes
//     to its virtual address and zero-fills the rest (.bss).
//
// Invariants of an ElfImage that try_parse() returned:
//  - every segment's file bytes [file_offset, file_offset + file_size) lie inside the image;
//  - file_size <= mem_size, and vaddr + mem_size neither wraps nor passes the user limit;
//  - no two segments share a virtual byte (they may share a page: a sink that maps whole
//    pages must expect a page to be written by two segments);
//  - the entry point lies inside an executable segment.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/error.h"

namespace elf {

/// Why an image was refused. Each check in try_parse() has its own code, so a test (or a
/// boot message) names the exact field that was wrong.
enum class ElfError : uint8_t {
    Truncated = 1,        ///< the image ends inside the ELF header or program header table
    BadMagic,             ///< e_ident does not start with 0x7f 'E' 'L' 'F'
    NotElf32,             ///< EI_CLASS is not ELFCLASS32
    NotLittleEndian,      ///< EI_DATA is not ELFDATA2LSB
    BadVersion,           ///< EI_VERSION or e_version is not EV_CURRENT (1)
    NotI386,              ///< e_machine is not EM_386
    NotExecutable,        ///< e_type is not ET_EXEC (relocatable and shared objects are refused)
    NotStatic,            ///< a PT_INTERP or PT_DYNAMIC header: the program needs a dynamic linker
    BadProgramHeader,     ///< e_phentsize is not 32, or a p_align is not 0 or a power of two
    SegmentOutOfImage,    ///< p_offset + p_filesz wraps or passes the end of the image
    FileSizeTooLarge,     ///< p_filesz > p_memsz
    AddressWraps,         ///< p_vaddr + p_memsz wraps around the 32-bit address space
    AboveUserLimit,       ///< a segment reaches at or above the user-space limit
    OverlappingSegments,  ///< two PT_LOAD segments share a virtual byte
    TooManySegments,      ///< more than kMaxSegments PT_LOAD segments
    NoSegments,           ///< no PT_LOAD segment with a non-zero p_memsz
    BadEntry,             ///< e_entry is not inside an executable segment
    SinkFailed,           ///< the SegmentSink could not place a segment (try_load only)
};

/// Segment permission bits, as in p_flags.
inline constexpr uint32_t kFlagExecute = 1;  // PF_X
inline constexpr uint32_t kFlagWrite = 2;    // PF_W
inline constexpr uint32_t kFlagRead = 4;     // PF_R

/// One loadable segment: [vaddr, vaddr + mem_size) in the program's address space, of
/// which the first file_size bytes come from the image at file_offset and the rest are 0.
struct ElfSegment {
    uint32_t vaddr;
    uint32_t mem_size;
    uint32_t file_size;
    uint32_t file_offset;
    uint32_t flags;  ///< kFlagRead | kFlagWrite | kFlagExecute

    [[nodiscard]] constexpr uint32_t vaddr_end() const { return vaddr + mem_size; }
};

/// A checked executable. Segments keep the order of the program header table.
struct ElfImage {
    static constexpr size_t kMaxSegments = 8;

    uint32_t entry;
    uint32_t lowest_vaddr;   ///< the lowest segment start
    uint32_t highest_vaddr;  ///< one past the highest segment byte (exclusive end)
    size_t segment_count;
    ElfSegment segments[kMaxSegments];
};

/// Checks `data[0..size)` as an ELF32 i386 static executable whose segments all lie below
/// `user_limit` (exclusive; the IA32 kernel passes its split, 0xC0000000). Reads no byte
/// outside data[0..size); never writes.
[[nodiscard]] api::Result<ElfImage, ElfError> try_parse(const uint8_t* data, size_t size, uint32_t user_limit);

/// Where try_load() puts segments. The kernel implements it with physical pages of the new
/// address space; the host tests with a std::map of bytes.
class SegmentSink {
public:
    /// Makes [segment.vaddr, segment.vaddr_end()) hold `file_bytes[0..segment.file_size)`
    /// followed by zeros, with access rights segment.flags. Returns false if it cannot (for
    /// example, out of memory); try_load() then stops and reports SinkFailed.
    virtual bool try_place(const ElfSegment& segment, const uint8_t* file_bytes) = 0;

protected:
    ~SegmentSink() = default;
};

/// Places every segment of `image` (from try_parse() on the same data) through `sink`, in
/// program header order. Re-checks that each segment's file bytes lie in data[0..size), so a
/// mismatched image and data give SegmentOutOfImage rather than an out-of-bounds read.
[[nodiscard]] api::Result<void, ElfError> try_load(const ElfImage& image, const uint8_t* data, size_t size,
                                                   SegmentSink& sink);

/// The 4 KiB pages fill_page() fills.
inline constexpr uint32_t kPageBytes = 4096;

/// What fill_page() found at a page of an image.
struct PageContents {
    bool in_image;  ///< a segment overlaps the page
    bool writable;  ///< a writable segment does
};

/// Demand paging, a page at a time: copies into `out` (kPageBytes, zeroed by the caller)
/// the file bytes of `image`'s segments that fall into the page at virtual address `page`
/// (page-aligned), from `data` (the file try_parse() checked, so every segment's file
/// bytes lie inside it). Bytes of the page no segment's file part covers stay zero.
PageContents fill_page(const ElfImage& image, const uint8_t* data, uint32_t page, uint8_t* out);

}  // namespace elf
