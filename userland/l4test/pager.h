// pager.h: the pager of every space the root task creates: a thread of the root task.
//
// A created space mirrors the root task (layout.h): a page fault at an address outside
// the test window is answered with a map item of the root task's own 4 KiB page there,
// with full rights. A fault inside the test window is recorded in the fault log (who,
// the label with its access bits, MR1 address, MR2 IP) and answered with the log's
// reply page (set by the test; a page of kMarker words by default) at the fault address.
// Tests read the log to see what the pager was sent.
//
// The pager also starts threads: the main thread asks it (label kStartRequest: thread,
// IP, SP) and it sends the new thread the X.2 start message, MR1 = IP, MR2 = SP, which
// a new thread waits for from its pager.
#pragma once

#include "api/rights.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace l4test {

using api::ThreadId;
using api::Word;

inline constexpr Word kMarker = 0x5A5AF00D;
inline constexpr unsigned kMaxFaultRecords = 16;

struct FaultRecord {
    ThreadId from;
    Word label;
    Word address;
    Word ip;
};

/// Starts the pager thread (once); false with a message if it could not.
[[nodiscard]] bool start_pager(const char** error);
[[nodiscard]] ThreadId pager_thread();

/// Empties the fault log; window faults are answered with `reply_page` (a root-task
/// address; 0: the marker page) with `rights`.
void reset_fault_log(Word reply_page = 0, api::Rights rights = api::Rights::Read);
[[nodiscard]] unsigned fault_count();
[[nodiscard]] FaultRecord fault_record(unsigned i);
/// The number of window faults at `address`'s page from `from`.
[[nodiscard]] unsigned faults_at(ThreadId from, Word address);

/// Asks the pager to send `thread` its start message; true if it was delivered.
[[nodiscard]] bool start_through_pager(ThreadId thread, Word ip, Word sp);

}  // namespace l4test
