// probe.h: numaprobe's machinery (probe.cc), shared by its modes (main.cc: Lab 5's;
// unmap_modes.cc: Lab 6's): the threads, one per CPU, the barriers they meet at, the
// value checks they count, and the reports to the test thread (numa/probe_protocol.h).
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "numa/probe_protocol.h"
#include "os/os.h"

namespace numaprobe {

using api::Word;
using numa::ProbeExit;
using os::ThreadId;

inline constexpr unsigned kMaxThreads = numa::kProbeMaxThreads;
inline constexpr Word kWordsPerPage = os::kPageSize / sizeof(Word);
inline constexpr uint64_t kBarrierLimitUs = 120'000'000;
inline constexpr uint64_t kInspectLimitMs = 120'000;

/// A barrier in global memory for `parties` threads, which wait on its generation.
/// Once a wait timed out the barrier stays broken.
class Barrier {
public:
    void init(unsigned parties) { m_parties = parties; }

    /// Waits until every party arrived; false if that took longer than kBarrierLimitUs.
    /// A waiter yields its CPU; after kSpinsBeforeSleep rounds it sleeps between looks,
    /// so that a CPU whose threads all wait halts (under QEMU a spinning virtual CPU
    /// takes a host core from the ones doing the work). `busy_looks`: look that many
    /// times first without a system call, so that the waiters leave within a few
    /// instructions of the last one's arrival (mode shared: they fault together).
    [[nodiscard]] bool wait(unsigned busy_looks = 0);

private:
    unsigned m_parties = 0;
    Word m_arrived = 0;
    Word m_generation = 0;
    bool m_broken = false;
};

// Set by the main thread before it starts any thread; read-only afterwards.
struct Setup {
    unsigned threads;
    Word base;    ///< the first page of the mode's memory
    Word pages;   ///< first_touch: per thread; the other modes: in all
    Word rounds;  ///< shared, concurrent
    unsigned node_of[kMaxThreads];
    ThreadId inspector;
};

extern Setup g_setup;
extern ThreadId g_ids[kMaxThreads];
extern Barrier g_everybody;  ///< the threads and the main thread: a checkpoint
extern Barrier g_threads;    ///< the threads only
/// What each thread runs (its index: its CPU), set before start_threads().
extern void (*g_thread_body)(unsigned);

/// The value of `key=` in the arguments as a number, or `fallback`.
[[nodiscard]] Word number_arg(const char* key, Word fallback);
/// The words of page `page` of the mode's memory (g_setup.base onwards).
[[nodiscard]] inline volatile Word* page_words(Word page) {
    return reinterpret_cast<volatile Word*>(g_setup.base + page * os::kPageSize);
}
/// Counts a failed value check (any thread).
void count_failure();
[[nodiscard]] Word failures();
/// A thread's side of an inspection point: it arrives when its work is done, and waits
/// until the main thread had the answer.
[[nodiscard]] inline bool checkpoint() { return g_everybody.wait() && g_everybody.wait(); }

/// Gives up before the next phase: says why here and to the inspector; the exit code.
int give_up(ProbeExit code, const char* why);
/// The main thread's side of an inspection point: wait for the threads, report, let
/// them go on. The exit code if the probe must stop, else -1.
int inspect(Word phase, Word base, Word pages);
/// The exit code at the end: Passed, or ChecksFailed if any value check failed.
int verdict();
/// Starts thread i on CPU i for every CPU; false if the OS refused one.
[[nodiscard]] bool start_threads();

}  // namespace numaprobe
