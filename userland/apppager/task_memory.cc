// task_memory.cc: a task's memory across its per-node spaces: which kind of page a fault
// is on, the tables, frames and answers the Lab 5 files use (memory.h), and giving it
// all back (task.h draws the tables; os/layout.h the task's layout).
//
// A fault of a thread whose space is on node n, at page P (thesis 4.2.1, "Synchronization
// of User-Level Page Management Structures", 4.2.5 and 4.2.6):
//   1. n's table has P with the rights the access needs: map that frame again (another
//      thread of the node, a fault after an unmap);
//      a write to a global heap or stack page that os::unmap made read-only (Lab 6):
//      the master's entry gets write access back, then as in 4 (write tracking);
//   2. P is in a make_local range: map_local_page (local_pages.cc);
//   3. P is read-only image (code, constants): map_code_page on a read, and
//      promote_code_page on a write (promotion.cc); with placement=master (the off
//      switch) a read takes the global path instead: one copy, no replicas;
//   4. anything else allowed (writable image, heap, stack) is global: map_global_page
//      (global_pages.cc).
//   Anything else (address 0, a guard page) kills the task.
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/string.h"
#include "api/map_item.h"
#include "memory.h"
#include "numa/pool.h"
#include "pager.h"

namespace apppager {

namespace {

using numa::kPageSize;

/// The entry for `page` in the table at `directory` (levels from `pool`, counted in
/// task.table_frames); null when the pool is used up, or when !make and none exists.
Word* table_entry(Task& task, Word& directory, numa::Pool& pool, Word page, bool make) {
    if (directory == 0) {
        if (!make || (directory = pool.allocate()) == 0) return nullptr;
        __atomic_fetch_add(&task.table_frames, 1, __ATOMIC_RELAXED);
    }
    Word& table = reinterpret_cast<Word*>(directory)[page >> 22];
    if (table == 0) {
        if (!make || (table = pool.allocate()) == 0) return nullptr;
        __atomic_fetch_add(&task.table_frames, 1, __ATOMIC_RELAXED);
    }
    return reinterpret_cast<Word*>(table) + ((page >> 12) & 1023);
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

bool in_local_range(const Task& task, Word page) {
    unsigned count = __atomic_load_n(&task.local_count, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < count; ++i)
        if (page >= task.local[i].start && page < task.local[i].end) return true;
    return false;
}

/// What release_table() gave back: frames the table owned, and its levels.
struct Released {
    Word frames = 0;
    Word levels = 0;
};

/// Gives back every frame of one table: the entries `owns(entry)` says are its own (the
/// master's: every global frame; a node's: its local frames), counted by the pool they
/// go back to in `per_pool`, then the levels.
template <typename Owns>
Released release_table(Word& directory, Owns owns, Word (&per_pool)[numa::kMaxNodes]) {
    Released released;
    if (directory == 0) return released;
    for (unsigned d = 0; d < 1024; ++d) {
        Word table = reinterpret_cast<Word*>(directory)[d];
        if (table == 0) continue;
        Word* entries = reinterpret_cast<Word*>(table);
        for (unsigned i = 0; i < 1024; ++i)
            if (entries[i] != 0 && owns(entries[i])) {
                numa::Pool::of_frame(entries[i]).release(frame_of(entries[i]));
                ++per_pool[numa::pool_slot_of(entries[i])];
                ++released.frames;
            }
        numa::Pool::of_frame(table).release(table);
        ++released.levels;
    }
    numa::Pool::of_frame(directory).release(directory);
    ++released.levels;
    directory = 0;
    return released;
}

}  // namespace

Word* node_entry(Task& task, unsigned node, Word page) {
    return table_entry(task, task.node[node].directory, pool_for(node), page, true);
}

Word node_lookup(Task& task, unsigned node, Word page) {
    Word* entry = table_entry(task, task.node[node].directory, pool_for(node), page, false);
    return entry == nullptr ? 0 : *entry;
}

Word* master_entry(Task& task, Word page) {
    return table_entry(task, task.master.directory, pool_for(task.master_node), page, true);
}

Word master_lookup(Task& task, Word page) {
    Word* entry = table_entry(task, task.master.directory, pool_for(task.master_node), page, false);
    return entry == nullptr ? 0 : *entry;
}

Word* node_slot(Task& task, unsigned node, Word page) {
    return table_entry(task, task.node[node].directory, pool_for(node), page, false);
}

Word* master_slot(Task& task, Word page) {
    return table_entry(task, task.master.directory, pool_for(task.master_node), page, false);
}

bool node_has_table(Task& task, unsigned node) NO_THREAD_SAFETY_ANALYSIS {
    // Read without the node lock: see memory.h for why a stale 0 does no harm.
    return __atomic_load_n(&task.node[node].directory, __ATOMIC_ACQUIRE) != 0;
}

Word owner_of(const Task& task, Word page) { return page | (slot_of(task) + 1); }

bool is_unmap_fpage(api::Fpage fpage) {
    bool rights = fpage.rights() == api::Rights::Full || fpage.rights() == api::Rights::Write;
    Word frame = fpage.base();
    if (!rights || fpage.log2_size() != 12 || !numa::in_pool_area(frame)) return false;
    unsigned slot = numa::pool_slot_of(frame);
    if (slot >= system().nodes || !system().has_pool[slot]) return false;
    numa::Pool& pool = numa::Pool::of_node(slot);
    return frame > pool.base() && frame - pool.base() < pool.size();  // a frame, not the header
}

Word new_frame(const Fault& fault, unsigned node) {
    numa::Pool& pool = pool_for(node);
    Word frame = pool.allocate();
    if (frame == 0) return 0;
    pool.set_owner(frame, owner_of(fault.task, fault.page));
    __atomic_fetch_add(&fault.task.pages, 1, __ATOMIC_RELAXED);
    return frame;
}

void free_frame(Task& task, Word frame) {
    numa::Pool::of_frame(frame).release(frame);
    __atomic_fetch_sub(&task.pages, 1, __ATOMIC_RELAXED);
}

api::Rights fill_from_image(const Task& task, Word page, Word frame) {
    const uint8_t* file = reinterpret_cast<const uint8_t*>(task.module->address);
    elf::PageContents found = elf::fill_page(task.image, file, page, reinterpret_cast<uint8_t*>(frame));
    return found.writable ? api::Rights::Full : api::Rights::ReadExecute;
}

l4::McsNode& my_lock_node() { return g_self.lock_nodes[l4::my_global_id() == g_self.unmap_worker ? 1 : 0]; }

void answer(const Fault& fault, Word entry) {
    fault.task.node[fault.node].mapped_by |= uint64_t{1} << g_self.cpu;
    l4::load_with_item(0, 0, api::MapItem::map(api::Fpage::memory(frame_of(entry), 12, rights_of(entry)), fault.page));
    // The thread waits in the receive phase of its fault IPC: a send that cannot go at
    // once would only find it gone (killed meanwhile).
    (void)l4::send(fault.thread, l4::Time::zero());
}

const char* resolve_fault(const Fault& fault) {
    Task& task = fault.task;
    __atomic_fetch_add(&task.page_faults, 1, __ATOMIC_RELAXED);
    Word entry = 0;
    {
        NodeLock own(task, fault.node);
        entry = node_lookup(task, fault.node, fault.page);
        if (entry != 0 && (!fault.write || rights_of(entry) == api::Rights::Full)) {
            answer(fault, entry);
            return nullptr;
        }
    }
    bool writable = false;
    bool image = image_page(task, fault.page, &writable);
    if (const char* why = refusal(task, fault.page, image)) return why;
    if (in_local_range(task, fault.page)) return map_local_page(fault);
    if (fault.write && entry != 0 && !image && !is_local(entry)) {
        // Made read-only by os::unmap (only heap and stack pages can be): writable again.
        MasterLock master(task);
        Word* global = master_slot(task, fault.page);
        if (global != nullptr && *global != 0) *global = make_entry(frame_of(*global), api::Rights::Full, false);
    }
    bool replicate = system().placement == numa::Placement::FirstTouch;
    if (image && !writable && (fault.write || replicate))
        return fault.write ? promote_code_page(fault) : map_code_page(fault);
    return map_global_page(fault, image);
}

Word release_node_table(Task& task, unsigned node) {
    Word per_pool[numa::kMaxNodes] = {};
    Released released =
        release_table(task.node[node].directory, [](Word entry) { return is_local(entry); }, per_pool);
    __atomic_fetch_sub(&task.pages, released.frames, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&task.table_frames, released.levels, __ATOMIC_RELAXED);
    return released.frames + released.levels;
}

void reclaim_memory(Task& task, Word (&per_pool)[numa::kMaxNodes]) NO_THREAD_SAFETY_ANALYSIS {
    // No fault is in progress and no space is left: nobody else looks at the tables.
    // The master's table holds every global frame once; a node's table holds its own
    // local frames (replicas, make_local pages) and copies of global entries.
    for (Word& count : per_pool) count = 0;
    (void)release_table(task.master.directory, [](Word) { return true; }, per_pool);
    for (NodeSpace& space : task.node)
        (void)release_table(space.directory, [](Word entry) { return is_local(entry); }, per_pool);
    task.pages = 0;
    task.table_frames = 0;
}

}  // namespace apppager
