// elf.cc: checking and loading ELF32 i386 executables (the contract is in elf.h).
//
// The image may sit at any byte alignment (a multiboot module, a buffer in a test) and may
// come from an untrusted source, so fields are never read through a cast pointer: each
// header is first bounds-checked, then decoded byte by byte into a plain struct. All range
// checks are written as "offset <= size && length <= size - offset", which cannot wrap.
#include "lib/elf.h"

#include "lib/string.h"

namespace elf {
namespace {

// The ELF header at offset 0 (ELF32, all fields little-endian for ELFDATA2LSB):
//
//   offset size field        we require
//    0     16   e_ident      7f 'E' 'L' 'F', [4] class 1 (32-bit), [5] data 1 (LSB), [6] version 1
//   16      2   e_type       2 (ET_EXEC)
//   18      2   e_machine    3 (EM_386)
//   20      4   e_version    1
//   24      4   e_entry      inside an executable segment
//   28      4   e_phoff      offset of the program header table
//   32      4   e_shoff      (section headers: not needed for loading, ignored)
//   36      4   e_flags
//   40      2   e_ehsize
//   42      2   e_phentsize  32
//   44      2   e_phnum
//   46      2   e_shentsize
//   48      2   e_shnum
//   50      2   e_shstrndx
struct Elf32Header {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint32_t entry;
    uint32_t phoff;
    uint32_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};
static_assert(sizeof(Elf32Header) == 52);

// One program header, e_phoff + i * 32:
//
//   offset size field
//    0     4    p_type    1 PT_LOAD, 2 PT_DYNAMIC, 3 PT_INTERP, others ignored
//    4     4    p_offset  where the segment's bytes start in the file
//    8     4    p_vaddr   where they go in the address space
//   12     4    p_paddr   (ignored)
//   16     4    p_filesz  bytes taken from the file
//   20     4    p_memsz   bytes in memory; the tail past p_filesz is zero (.bss)
//   24     4    p_flags   PF_X 1, PF_W 2, PF_R 4
//   28     4    p_align   0 or 1 (none), else a power of two with p_vaddr = p_offset mod p_align
struct Elf32ProgramHeader {
    uint32_t type;
    uint32_t offset;
    uint32_t vaddr;
    uint32_t paddr;
    uint32_t filesz;
    uint32_t memsz;
    uint32_t flags;
    uint32_t align;
};
static_assert(sizeof(Elf32ProgramHeader) == 32);

constexpr uint8_t kClass32 = 1;
constexpr uint8_t kDataLittleEndian = 1;
constexpr uint32_t kVersionCurrent = 1;
constexpr uint16_t kTypeExecutable = 2;
constexpr uint16_t kMachine386 = 3;
constexpr uint32_t kSegmentLoad = 1;
constexpr uint32_t kSegmentDynamic = 2;
constexpr uint32_t kSegmentInterp = 3;

uint16_t load_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

uint32_t load_le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

/// True if [offset, offset + length) lies inside [0, size), without overflow.
bool range_fits(uint64_t offset, uint64_t length, size_t size) {
    return offset <= size && length <= size - offset;
}

Elf32Header decode_header(const uint8_t* p) {
    Elf32Header h;
    for (size_t i = 0; i < sizeof(h.ident); i++) h.ident[i] = p[i];
    h.type = load_le16(p + 16);
    h.machine = load_le16(p + 18);
    h.version = load_le32(p + 20);
    h.entry = load_le32(p + 24);
    h.phoff = load_le32(p + 28);
    h.shoff = load_le32(p + 32);
    h.flags = load_le32(p + 36);
    h.ehsize = load_le16(p + 40);
    h.phentsize = load_le16(p + 42);
    h.phnum = load_le16(p + 44);
    h.shentsize = load_le16(p + 46);
    h.shnum = load_le16(p + 48);
    h.shstrndx = load_le16(p + 50);
    return h;
}

Elf32ProgramHeader decode_program_header(const uint8_t* p) {
    return Elf32ProgramHeader{load_le32(p),      load_le32(p + 4),  load_le32(p + 8),  load_le32(p + 12),
                              load_le32(p + 16), load_le32(p + 20), load_le32(p + 24), load_le32(p + 28)};
}

api::Result<void, ElfError> check_header(const uint8_t* data, size_t size) {
    if (data == nullptr || size < sizeof(Elf32Header)) {
        // Name a bad magic as such even in a short file, so a text file is not "truncated".
        if (data != nullptr && size >= 4 && !(data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F'))
            return ElfError::BadMagic;
        return ElfError::Truncated;
    }
    const Elf32Header h = decode_header(data);
    if (!(h.ident[0] == 0x7f && h.ident[1] == 'E' && h.ident[2] == 'L' && h.ident[3] == 'F')) return ElfError::BadMagic;
    if (h.ident[4] != kClass32) return ElfError::NotElf32;
    if (h.ident[5] != kDataLittleEndian) return ElfError::NotLittleEndian;
    if (h.ident[6] != kVersionCurrent || h.version != kVersionCurrent) return ElfError::BadVersion;
    if (h.machine != kMachine386) return ElfError::NotI386;
    if (h.type != kTypeExecutable) return ElfError::NotExecutable;
    if (h.phentsize != sizeof(Elf32ProgramHeader)) return ElfError::BadProgramHeader;
    if (!range_fits(h.phoff, uint64_t{h.phnum} * sizeof(Elf32ProgramHeader), size)) return ElfError::Truncated;
    return {};
}

/// Checks one PT_LOAD header on its own (the checks between segments come later).
api::Result<void, ElfError> check_segment(const Elf32ProgramHeader& ph, size_t size, uint32_t user_limit) {
    if (!range_fits(ph.offset, ph.filesz, size)) return ElfError::SegmentOutOfImage;
    if (ph.filesz > ph.memsz) return ElfError::FileSizeTooLarge;
    // The last byte, vaddr + memsz - 1, must not pass 0xffffffff.
    if (ph.memsz != 0 && ph.memsz - 1 > UINT32_MAX - ph.vaddr) return ElfError::AddressWraps;
    if (uint64_t{ph.vaddr} + ph.memsz > user_limit) return ElfError::AboveUserLimit;
    if (ph.align > 1 && ((ph.align & (ph.align - 1)) != 0 || ((ph.vaddr ^ ph.offset) & (ph.align - 1)) != 0))
        return ElfError::BadProgramHeader;
    return {};
}

bool overlaps(const ElfSegment& a, const ElfSegment& b) { return a.vaddr < b.vaddr_end() && b.vaddr < a.vaddr_end(); }

}  // namespace

api::Result<ElfImage, ElfError> try_parse(const uint8_t* data, size_t size, uint32_t user_limit) {
    if (auto checked = check_header(data, size); !checked.ok()) return checked.error();
    const Elf32Header header = decode_header(data);

    ElfImage image{};
    image.entry = header.entry;
    image.lowest_vaddr = UINT32_MAX;
    for (size_t i = 0; i < header.phnum; i++) {
        const Elf32ProgramHeader ph = decode_program_header(data + header.phoff + i * sizeof(Elf32ProgramHeader));
        if (ph.type == kSegmentInterp || ph.type == kSegmentDynamic) return ElfError::NotStatic;
        if (ph.type != kSegmentLoad) continue;
        if (auto checked = check_segment(ph, size, user_limit); !checked.ok()) return checked.error();
        if (ph.memsz == 0) continue;  // occupies nothing; linkers rarely emit one
        if (image.segment_count == ElfImage::kMaxSegments) return ElfError::TooManySegments;

        const ElfSegment segment{ph.vaddr, ph.memsz, ph.filesz, ph.offset, ph.flags & (kFlagRead | kFlagWrite | kFlagExecute)};
        for (size_t j = 0; j < image.segment_count; j++)
            if (overlaps(segment, image.segments[j])) return ElfError::OverlappingSegments;
        image.segments[image.segment_count++] = segment;
        if (segment.vaddr < image.lowest_vaddr) image.lowest_vaddr = segment.vaddr;
        if (segment.vaddr_end() > image.highest_vaddr) image.highest_vaddr = segment.vaddr_end();
    }
    if (image.segment_count == 0) return ElfError::NoSegments;

    for (size_t i = 0; i < image.segment_count; i++) {
        const ElfSegment& s = image.segments[i];
        if ((s.flags & kFlagExecute) != 0 && s.vaddr <= image.entry && image.entry < s.vaddr_end()) return image;
    }
    return ElfError::BadEntry;
}

api::Result<void, ElfError> try_load(const ElfImage& image, const uint8_t* data, size_t size, SegmentSink& sink) {
    if (image.segment_count > ElfImage::kMaxSegments) return ElfError::TooManySegments;
    for (size_t i = 0; i < image.segment_count; i++) {
        const ElfSegment& s = image.segments[i];
        if (data == nullptr || !range_fits(s.file_offset, s.file_size, size)) return ElfError::SegmentOutOfImage;
        if (!sink.try_place(s, data + s.file_offset)) return ElfError::SinkFailed;
    }
    return {};
}

PageContents fill_page(const ElfImage& image, const uint8_t* data, uint32_t page, uint8_t* out) {
    PageContents found{false, false};
    uint64_t page_end = uint64_t{page} + kPageBytes;
    for (size_t i = 0; i < image.segment_count; i++) {
        const ElfSegment& s = image.segments[i];
        if (s.vaddr >= page_end || s.vaddr_end() <= page) continue;
        found.in_image = true;
        if ((s.flags & kFlagWrite) != 0) found.writable = true;
        // The file bytes [vaddr, vaddr + file_size) that lie in [page, page + 4 KiB).
        uint64_t from = s.vaddr > page ? s.vaddr : page;
        uint64_t file_end = uint64_t{s.vaddr} + s.file_size;
        uint64_t to = file_end < page_end ? file_end : page_end;
        if (from < to) memcpy(out + (from - page), data + s.file_offset + (from - s.vaddr), size_t(to - from));
    }
    return found;
}

}  // namespace elf
