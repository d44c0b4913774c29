// task_memory.cc: a task's memory: what a page fault gets, and giving it all back
// (the table is drawn in task.h, the address-space layout in os/layout.h).
//
// A fault at page P of a task gets, on its first touch:
//   - P overlaps a segment of the program image: a frame with the segment bytes that
//     fall into P copied from the module, the rest zero; writable if a writable segment
//     overlaps P, else read-and-execute;
//   - P in the heap [image end, kHeapEnd) or in a stack slot above its guard page: a
//     zeroed, writable frame;
//   - anything else (address 0, a guard page, the gap below the stacks, a write to
//     code): nothing. The task is killed.
#include "frames.h"
#include "l4/space.h"
#include "l4/string.h"
#include "l4/utcb.h"
#include "task.h"

namespace baseos {

namespace {

constexpr Word kRightsMask = 7;
constexpr unsigned kUnmapBatch = 64;  // fpages per Unmap call: MR0 .. MR63

/// The table entry for `page`, making the table if needed; null when out of memory.
Word* entry_locked(Task& task, Word page) {
    Word& table = task.directory[page >> 22];
    if (table == 0) {
        table = allocate_frame_locked();
        if (table == 0) return nullptr;
        ++task.table_frames;
    }
    return reinterpret_cast<Word*>(table) + ((page >> 12) & 1023);
}

/// Fills `frame` (zeroed) with the image's bytes of `page`: the rights the page gets
/// (writable if a writable segment overlaps it), or None if no segment does.
api::Rights fill_from_image(const Task& task, Word page, Word frame) {
    elf::PageContents found =
        elf::fill_page(task.image, task.module->data, page, reinterpret_cast<uint8_t*>(frame));
    if (!found.in_image) return api::Rights::None;
    return found.writable ? api::Rights::Full : api::Rights::ReadExecute;
}

bool image_overlaps(const Task& task, Word page) {
    for (size_t i = 0; i < task.image.segment_count; ++i) {
        const elf::ElfSegment& s = task.image.segments[i];
        if (s.vaddr < page + kPageSize && s.vaddr_end() > page) return true;
    }
    return false;
}

/// Unmaps the fpages loaded in MR0 .. MR(count - 1) from everybody but the OS.
void unmap_batch(unsigned count) {
    if (count != 0) l4::unmap(count - 1);
}

}  // namespace

bool resolve_fault_locked(Task& task, Word address, bool write, Word* frame, api::Rights* rights,
                          const char** why) {
    Word page = address & ~(kPageSize - 1);
    ++task.page_faults;
    Word* entry = entry_locked(task, page);
    if (entry == nullptr) {
        *why = "out of memory (node 0)";
        return false;
    }
    if (*entry != 0) {
        *frame = *entry & ~(kPageSize - 1);
        *rights = static_cast<api::Rights>(*entry & kRightsMask);
        if (write && *rights != api::Rights::Full) {
            *why = "write to a read-only page of the image";
            return false;
        }
        return true;
    }
    bool image = image_overlaps(task, page);
    bool heap = page >= task.image_end && page < os::kHeapEnd;
    bool stack = page >= os::kStackArea && page < os::kStackAreaEnd;
    if (stack && (page - os::kStackArea) % os::kStackSlotSize == 0) {
        *why = "stack overflow (a stack slot's guard page)";
        return false;
    }
    if (!image && !heap && !stack) {
        *why = "no memory there";
        return false;
    }
    Word new_frame = allocate_frame_locked();
    if (new_frame == 0) {
        *why = "out of memory (node 0)";
        return false;
    }
    api::Rights given = image ? fill_from_image(task, page, new_frame) : api::Rights::Full;
    if (write && given != api::Rights::Full) {
        release_frame_locked(new_frame);
        *why = "write to a read-only page of the image";
        return false;
    }
    *entry = new_frame | static_cast<Word>(given);
    ++task.pages;
    *frame = new_frame;
    *rights = given;
    return true;
}

bool any_page_given_locked(const Task& task, Word start, Word end) {
    for (Word page = start; page < end;) {
        const Word* entries = reinterpret_cast<const Word*>(task.directory[page >> 22]);
        Word region_end = (page | 0x3FFFFF) + 1;  // the next 4 MiB boundary: the next table
        if (entries != nullptr)
            for (Word p = page; p < end && p < region_end; p += kPageSize)
                if (entries[(p >> 12) & 1023] != 0) return true;
        page = region_end;
    }
    return false;
}

void reclaim_memory_locked(Task& task) {
    unsigned batch = 0;
    for (Word& table : task.directory) {
        if (table == 0) continue;
        Word* entries = reinterpret_cast<Word*>(table);
        for (unsigned i = 0; i < 1024; ++i) {
            if (entries[i] == 0) continue;
            Word frame = entries[i] & ~(kPageSize - 1);
            l4::set_mr(batch++, api::Fpage::memory(frame, 12, api::Rights::Full).raw());
            if (batch == kUnmapBatch) {
                unmap_batch(batch);
                batch = 0;
            }
        }
        // Unmapped before any of its frames is reused: the batch goes out first.
        unmap_batch(batch);
        batch = 0;
        for (unsigned i = 0; i < 1024; ++i)
            if (entries[i] != 0) release_frame_locked(entries[i] & ~(kPageSize - 1));
        release_frame_locked(table);
        table = 0;
    }
    task.pages = 0;
    task.table_frames = 0;
}

}  // namespace baseos
