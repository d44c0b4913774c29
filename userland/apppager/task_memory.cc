// task_memory.cc: a task's memory across its per-node spaces: what a page fault gets,
// and giving it all back (task.h draws the tables; os/layout.h the task's layout).
//
// A fault of a thread whose space is on node n, at page P (thesis 4.2.1, "Synchronization
// of User-Level Page Management Structures", and 4.2.5):
//   1. n's table has P: map that frame again (a second thread, a write after a read);
//   2. P is read-only image (code, constants): a local replica: a frame of n's pool
//      with the image's bytes, entered into n's table only (never the master's);
//   3. P is global (writable image, heap, stack): the master's table decides. It has P:
//      enter that frame into n's table too; it has not: first touch: a frame of n's
//      pool, zeroed or filled from the image, entered into n's table and the master's.
//      The task's lock (the master pager's lock) is held throughout, so two pagers
//      faulting on P at once end with one frame.
//   Anything else (address 0, a guard page, a write to code) kills the task.
// Every table a node's space needs is in that node's pool; the master's in the master
// node's, which is the one allocation a pager makes in another node's pool.
#include "l4/string.h"
#include "numa/pool.h"
#include "pager.h"
#include "task.h"

namespace apppager {

namespace {

using numa::kPageSize;

/// The entry for `page` in `node`'s table of `task`, making the table if needed; null
/// when the node's pool is used up.
Word* entry_locked(Task& task, unsigned node, Word page) {
    Word& directory = task.directory[node];
    if (directory == 0) {
        directory = pool_for(node).allocate();
        if (directory == 0) return nullptr;
        ++task.table_frames;
    }
    Word& table = reinterpret_cast<Word*>(directory)[page >> 22];
    if (table == 0) {
        table = pool_for(node).allocate();
        if (table == 0) return nullptr;
        ++task.table_frames;
    }
    return reinterpret_cast<Word*>(table) + ((page >> 12) & 1023);
}

/// Fills `frame` (zeroed) with the image's bytes of `page`: the rights the page gets
/// (writable if a writable segment overlaps it), or None if no segment does.
api::Rights fill_from_image(const Task& task, Word page, Word frame) {
    const uint8_t* file = reinterpret_cast<const uint8_t*>(task.module->address);
    elf::PageContents found = elf::fill_page(task.image, file, page, reinterpret_cast<uint8_t*>(frame));
    if (!found.in_image) return api::Rights::None;
    return found.writable ? api::Rights::Full : api::Rights::ReadExecute;
}

/// Whether a segment overlaps `page`, and whether a writable one does.
bool image_page(const Task& task, Word page, bool* writable) {
    bool any = false;
    *writable = false;
    for (size_t i = 0; i < task.image.segment_count; ++i) {
        const elf::ElfSegment& s = task.image.segments[i];
        if (s.vaddr >= page + kPageSize || s.vaddr_end() <= page) continue;
        any = true;
        if ((s.flags & elf::kFlagWrite) != 0) *writable = true;
    }
    return any;
}

/// What may be at `page`; null if it is allowed, else why not.
const char* refusal(const Task& task, Word page, bool image) {
    bool heap = page >= task.image_end && page < os::kHeapEnd;
    bool stack = page >= os::kStackArea && page < os::kStackAreaEnd;
    if (stack && (page - os::kStackArea) % os::kStackSlotSize == 0) return "stack overflow (a stack slot's guard page)";
    if (!image && !heap && !stack) return "no memory there";
    return nullptr;
}

}  // namespace

bool resolve_fault_locked(Task& task, const ThreadRecord& thread, Word address, bool write, Word* frame,
                          api::Rights* rights, const char** why) {
    Word page = address & ~(kPageSize - 1);
    unsigned node = thread.node;
    ++task.page_faults;
    Word* entry = entry_locked(task, node, page);
    if (entry == nullptr) {
        *why = "out of memory (the node's pool)";
        return false;
    }
    // (1) this node's space had the page.
    if (*entry != 0) {
        *frame = *entry & ~(kPageSize - 1);
        *rights = static_cast<api::Rights>(*entry & kEntryRights);
        if (write && *rights != api::Rights::Full) {
            *why = "write to a read-only page of the image";
            return false;
        }
        return true;
    }
    bool writable = false;
    bool image = image_page(task, page, &writable);
    if ((*why = refusal(task, page, image)) != nullptr) return false;
    if (image && !writable) {
        // (2) a local replica of a code page.
        if (write) {
            *why = "write to a read-only page of the image";
            return false;
        }
        Word replica = pool_for(node).allocate();
        if (replica == 0) {
            *why = "out of memory (the node's pool)";
            return false;
        }
        *rights = fill_from_image(task, page, replica);
        *entry = replica | kEntryLocal | static_cast<Word>(*rights);
        *frame = replica;
        ++task.pages;
        return true;
    }
    // (3) a global page: the master's table decides.
    Word* master = node == task.master_node ? entry : entry_locked(task, task.master_node, page);
    if (master == nullptr) {
        *why = "out of memory (the master node's pool)";
        return false;
    }
    if (*master == 0) {
        Word fresh = pool_for(node).allocate();
        if (fresh == 0) {
            *why = "out of memory (the node's pool)";
            return false;
        }
        api::Rights given = image ? fill_from_image(task, page, fresh) : api::Rights::Full;
        *master = fresh | static_cast<Word>(given);
        ++task.pages;
    }
    *entry = *master;
    *frame = *master & ~(kPageSize - 1);
    *rights = static_cast<api::Rights>(*master & kEntryRights);
    return true;
}

void reclaim_memory_locked(Task& task) {
    for (unsigned node = 0; node < numa::kMaxNodes; ++node) {
        Word directory = task.directory[node];
        if (directory == 0) continue;
        bool master = node == task.master_node;
        for (unsigned d = 0; d < 1024; ++d) {
            Word table = reinterpret_cast<Word*>(directory)[d];
            if (table == 0) continue;
            Word* entries = reinterpret_cast<Word*>(table);
            // The master's table holds every global frame once; a node's own table
            // holds its local replicas. Both go back to the pool they came from.
            for (unsigned i = 0; i < 1024; ++i)
                if (entries[i] != 0 && (master || (entries[i] & kEntryLocal) != 0))
                    numa::Pool::of_frame(entries[i]).release(entries[i] & ~(kPageSize - 1));
            numa::Pool::of_frame(table).release(table);
        }
        numa::Pool::of_frame(directory).release(directory);
        task.directory[node] = 0;
    }
    task.pages = 0;
    task.table_frames = 0;
}

}  // namespace apppager
