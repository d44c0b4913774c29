// frames.cc: the frame pool (see frames.h). Guarded by g_os_lock (lock.h).
#include "frames.h"

#include "api/fpage.h"
#include "l4/print.h"
#include "l4/sigma0_client.h"
#include "l4/string.h"
#include "lock.h"

namespace baseos {

namespace {

// Guarded by g_os_lock.
Word g_free_list;  // the first free frame; each free frame's first word is the next
Word g_free_count;
Word g_total_count;

api::Fpage window() { return api::Fpage::memory(kWindow, kWindowLog2, api::Rights::None); }

/// Takes one chunk (or, failing that, one page) of node-0 memory from sigma0.
bool grow_locked() {
    const unsigned sizes[] = {kChunkLog2, 12};
    for (unsigned log2 : sizes) {
        api::Fpage got = l4::sigma0::request_on_node(kMemoryNode, log2, window());
        if (got.is_nil()) continue;
        if (got.end() > (uint64_t{1} << kWindowLog2)) {
            l4::printf("baseos: sigma0 gave memory at %x, beyond the 1 GiB window; not used\n", got.address());
            return false;
        }
        for (Word offset = 0; offset < got.size(); offset += kPageSize)
            release_frame_locked(window_address(got.address() + offset));
        g_total_count += static_cast<Word>(got.size() / kPageSize);
        return true;
    }
    return false;
}

}  // namespace

Word window_address(Word physical) { return kWindow + (physical & ((Word{1} << kWindowLog2) - 1)); }

bool map_physical_page(Word physical) {
    api::Fpage page = api::Fpage::memory(physical & ~(kPageSize - 1), 12, api::Rights::Full);
    return !l4::sigma0::request(page, window()).is_nil();
}

Word allocate_frame_locked() {
    if (g_free_list == 0 && !grow_locked()) return 0;
    Word frame = g_free_list;
    g_free_list = *reinterpret_cast<Word*>(frame);
    --g_free_count;
    memset(reinterpret_cast<void*>(frame), 0, kPageSize);
    return frame;
}

void release_frame_locked(Word frame) {
    *reinterpret_cast<Word*>(frame) = g_free_list;
    g_free_list = frame;
    ++g_free_count;
}

Word free_frames() { return __atomic_load_n(&g_free_count, __ATOMIC_RELAXED); }
Word total_frames() { return __atomic_load_n(&g_total_count, __ATOMIC_RELAXED); }

}  // namespace baseos
