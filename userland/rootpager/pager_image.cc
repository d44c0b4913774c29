// pager_image.cc: one copy of the application pager's image per node (pager_image.h).
// Lab 4.
//
//   pool of node n:  | header | ... | copy page 0 | copy page 1 | ... |
//                                     ^ g_copies[n][0]
//   pager space:     image_start() -> page 0, image_start() + 4 KiB -> page 1, ...
//
// Test: numa.pager_code_local (each pager's code lies on its own node's memory),
// mutant "one image copy shared by all nodes".
#include "pager_image.h"

#include "lib/elf.h"
#include "l4/lab.h"
#include "numa/pool.h"

namespace rootpager {

namespace {

using numa::kPageSize;

constexpr unsigned kMaxImagePages = 256;  // 1 MiB of pager

elf::ElfImage g_image;
const uint8_t* g_file;
Word g_start;
Word g_pages;
Word g_copies[numa::kMaxNodes][kMaxImagePages];  // frames, by node and page index
bool g_writable[kMaxImagePages];

/// Copies the segment bytes that fall into the page at `page` into `frame` (zeroed), and
/// notes whether the page is writable.
[[maybe_unused]] void fill_page(Word page, Word frame, unsigned index) {
    elf::PageContents found = elf::fill_page(g_image, g_file, page, reinterpret_cast<uint8_t*>(frame));
    g_writable[index] = found.writable;
}

}  // namespace

/// (3) Copies the image into node `node`'s pool: a frame of that pool for each of its
/// g_pages pages, filled from the ELF file, recorded in g_copies[node]. False if the
/// pool has too few frames.
bool copy_image_to_pool(unsigned node) {
    // LAB 4: your code here
    // For each of the image's g_pages pages: a frame of node `node`'s pool
    // (numa::Pool::of_node(node).allocate(); 0 when it is full: return false), filled
    // with fill_page(the page's address, the frame, its index), recorded in
    // g_copies[node][index]. Return true.
    l4::lab_missing(4, "userland/rootpager/pager_image.cc", "rootpager::copy_image_to_pool");
}

bool load_pager_image(const uint8_t* file, Word size, const char* name, const numa::System& system) {
    auto parsed = elf::try_parse(file, size, numa::kImageEnd);
    if (!parsed.ok()) {
        l4::lab_printf("rootpager: %s is not an ELF executable below %x", name, numa::kImageEnd);
        return false;
    }
    g_image = parsed.value();
    g_file = file;
    Word lowest = ~Word{0};
    for (size_t i = 0; i < g_image.segment_count; ++i)
        if (g_image.segments[i].vaddr < lowest) lowest = g_image.segments[i].vaddr;
    g_start = lowest & ~(kPageSize - 1);
    if (g_start < numa::kImageBase) {
        l4::lab_printf("rootpager: %s starts at %x, below the pagers' image region", name, g_start);
        return false;
    }
    g_pages = (g_image.highest_vaddr - g_start + kPageSize - 1) / kPageSize;
    if (g_pages > kMaxImagePages) {
        l4::lab_printf("rootpager: %s spans %u pages, more than %u", name, g_pages, kMaxImagePages);
        return false;
    }
    for (unsigned node = 0; node < system.nodes; ++node) {
        if (system.has_pool[node] && !copy_image_to_pool(node)) {
            l4::lab_printf("rootpager: node %u's pool is too small for the pager's image", node);
            return false;
        }
    }
    return true;
}

Word pager_entry() { return g_image.entry; }
Word image_start() { return g_start; }
Word image_end() { return g_start + g_pages * kPageSize; }

Word image_frame(unsigned node, Word address, bool* writable) {
    if (node >= numa::kMaxNodes || address < g_start || address >= image_end()) return 0;
    Word index = (address - g_start) / kPageSize;
    *writable = g_writable[index];
    return g_copies[node][index];
}

}  // namespace rootpager
