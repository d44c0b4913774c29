// task_memory.cc: a task's memory: what a page fault gets, what the task's unmap
// request does, and giving it all back (the table is drawn in task.h, the address-space
// layout in os/layout.h).
//
// A fault at page P of a task gets, on its first touch:
//   - P overlaps a segment of the program image: a frame with the segment bytes that
//     fall into P copied from the module, the rest zero; writable if a writable segment
//     overlaps P, else read-and-execute;
//   - P in the heap [image end, kHeapEnd) or in a stack slot above its guard page: a
//     zeroed, writable frame;
//   - anything else (address 0, a guard page, the gap below the stacks, a write to
//     code): nothing. The task is killed.
// A write fault at a heap or stack page that the table has read-only (unmap made it
// so) gives the page Write back: the OS tracks writes this way.
//
// unmap(start, pages, how) (os/protocol.h; thesis 3.2.3, 5.4.2), for the pages of the
// range the table has:
//   (1) the fpage of each frame, at the OS's own address, with the rights to take (all
//       for Unmap, Write for ReadOnly) goes into MR0 .. MR63: 64 fpages per Unmap call;
//   (2) Unmap without flush takes those rights from every mapping derived from the
//       OS's, that is the task's, and leaves the OS's own; each MR comes back with the
//       access status of the mappings it took rights from in its rights bits
//       (api/rights.h): r (4) referenced, w (2) written, which also clears that status;
//   (3) Unmap: the frames go back to the pool and their entries are cleared;
//       ReadOnly: the entries lose Write.
// The status in (2) is the task's alone. The OS reads and writes frames too (zeroing and
// filling a new one, linking a free one), which marks its own mapping, a 64 KiB chunk
// (frames.h); but an Unmap without flush reports only what lies below the caller's
// mappings, never the caller's own accesses (the kernel's rule, as Pistachio's: step U3
// in kernel/mm/mapping_unmap.cc). So the OS has no status of its own to clear.
#include "frames.h"
#include "l4/space.h"
#include "l4/string.h"
#include "l4/utcb.h"
#include "task.h"

namespace baseos {

namespace {

constexpr unsigned kUnmapBatch = 64;  // fpages per Unmap call: MR0 .. MR63

Word frame_of(Word entry) { return entry & ~(kPageSize - 1); }
api::Rights rights_of(Word entry) { return api::rights_from_bits(entry); }

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

/// The table entry for `page` if the task has its table, else null.
Word* existing_entry_locked(const Task& task, Word page) {
    Word table = task.directory[page >> 22];
    return table == 0 ? nullptr : reinterpret_cast<Word*>(table) + ((page >> 12) & 1023);
}

/// Loads MR `i` with the fpage of `frame`, naming the rights an Unmap takes.
void load_fpage(unsigned i, Word frame, api::Rights rights) {
    l4::set_mr(i, api::Fpage::memory(frame, 12, rights).raw());
}

/// Unmaps the fpages loaded in MR0 .. MR(count - 1) from everybody but the OS; each MR
/// comes back with the access status of what it visited.
void unmap_batch(unsigned count) {
    if (count != 0) l4::unmap(count - 1);
}

/// Unmaps the `count` frames loaded in MR0 .. from the task and gives them back: no
/// frame goes back to the pool, where another task may get it, still mapped.
void give_back_batch_locked(const Word* frames, unsigned count) {
    unmap_batch(count);
    for (unsigned i = 0; i < count; ++i) release_frame_locked(frames[i]);
}

/// The pages of one unmap request that are loaded in the MRs, not yet unmapped.
struct UnmapBatch {
    unsigned count = 0;
    Word* entries[kUnmapBatch];
    unsigned pages[kUnmapBatch];  ///< each one's index in the request's range
};

/// Steps (2) and (3) of unmap (see the top) for the pages in `batch`.
void finish_unmap_batch_locked(Task& task, UnmapBatch& batch, os::UnmapHow how, os::UnmapStatus* status) {
    unmap_batch(batch.count);  // (2)
    for (unsigned i = 0; i < batch.count; ++i) {
        api::Rights seen = api::Fpage::from_raw(l4::mr(i)).rights();
        unsigned page = batch.pages[i];
        os::set_page_bit(status->held, page);
        if (api::any(seen & api::Rights::ReadWrite)) os::set_page_bit(status->referenced, page);
        if (api::any(seen & api::Rights::Write)) os::set_page_bit(status->dirty, page);
        Word& entry = *batch.entries[i];
        if (how == os::UnmapHow::Unmap) {  // (3)
            release_frame_locked(frame_of(entry));
            entry = 0;
            --task.pages;
        } else {
            entry = frame_of(entry) | api::rights_bits(api::without(rights_of(entry), api::Rights::Write));
        }
    }
    batch.count = 0;
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
        *frame = frame_of(*entry);
        *rights = rights_of(*entry);
        if (write && *rights != api::Rights::Full) {
            if (!in_heap_or_stacks(task, page, page + kPageSize)) {
                *why = "write to a read-only page of the image";
                return false;
            }
            // Read-only since an unmap (ReadOnly): the write is tracked, Write comes back.
            *entry = *frame | api::rights_bits(api::Rights::Full);
            *rights = api::Rights::Full;
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
    *entry = new_frame | api::rights_bits(given);
    ++task.pages;
    *frame = new_frame;
    *rights = given;
    return true;
}

bool in_heap_or_stacks(const Task& task, Word start, Word end) {
    bool heap = start >= task.image_end && end <= os::kHeapEnd;
    bool stack = start >= os::kStackArea && end <= os::kStackAreaEnd;
    return start < end && (heap || stack);
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

void unmap_range_locked(Task& task, Word start, unsigned pages, os::UnmapHow how, os::UnmapStatus* status) {
    *status = os::UnmapStatus{};
    api::Rights taken = how == os::UnmapHow::Unmap ? api::Rights::Full : api::Rights::Write;
    UnmapBatch batch;
    for (unsigned page = 0; page < pages; ++page) {
        Word* entry = existing_entry_locked(task, start + page * kPageSize);
        if (entry == nullptr || *entry == 0) continue;
        load_fpage(batch.count, frame_of(*entry), taken);  // (1)
        batch.entries[batch.count] = entry;
        batch.pages[batch.count] = page;
        if (++batch.count == kUnmapBatch) finish_unmap_batch_locked(task, batch, how, status);
    }
    finish_unmap_batch_locked(task, batch, how, status);
}

void reclaim_memory_locked(Task& task) {
    Word frames[kUnmapBatch];
    unsigned batch = 0;
    for (Word& table : task.directory) {
        if (table == 0) continue;
        const Word* entries = reinterpret_cast<const Word*>(table);
        for (unsigned i = 0; i < 1024; ++i) {
            if (entries[i] == 0) continue;
            frames[batch] = frame_of(entries[i]);
            load_fpage(batch, frames[batch], api::Rights::Full);
            if (++batch == kUnmapBatch) {
                give_back_batch_locked(frames, batch);
                batch = 0;
            }
        }
        give_back_batch_locked(frames, batch);
        batch = 0;
        release_frame_locked(table);
        table = 0;
    }
    task.pages = 0;
    task.table_frames = 0;
}

}  // namespace baseos
