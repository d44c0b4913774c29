// pager.cc: the mirroring pager thread and its fault log (see pager.h).
#include "pager.h"

#include "api/fpage.h"
#include "api/map_item.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "layout.h"
#include "root_memory.h"
#include "threads.h"

namespace l4test {

namespace {

constexpr uint16_t kStartRequest = 0x5171;
constexpr unsigned kFaultLoopLimit = 16;

LocalThread g_pager;
Word g_marker_page;

// Written by the main thread between tests, read by the pager thread: volatile, and
// the IPC that follows each change orders it.
volatile Word g_reply_page;
volatile api::Rights g_reply_rights;
volatile unsigned g_fault_count;
FaultRecord g_faults[kMaxFaultRecords];

using api::Fpage;
using api::MapItem;

void load_map(Word root_page, api::Rights rights, Word send_base) {
    l4::load_with_item(0, 0, MapItem::map(Fpage::memory(root_page, 12, rights), send_base));
}

/// Loads the answer to a page fault; false if the fault should not be answered.
bool page_fault(ThreadId from, Word label, Word address, Word ip) {
    // The same thread faulting at the same page and IP again and again: the answer
    // does not take (for example, the root task cannot map the page on).
    static ThreadId last_from;
    static Word last_page, last_ip;
    static unsigned repeats;
    Word page = address & ~(kPageSize - 1);
    repeats = (from == last_from && page == last_page && ip == last_ip) ? repeats + 1 : 0;
    last_from = from;
    last_page = page;
    last_ip = ip;
    if (repeats == kFaultLoopLimit) {
        l4::printf("l4test pager: %x faults at %x (ip %x) again and again: the mapping does not stick\n",
                   from.raw(), address, ip);
        return false;
    }
    if (address >= kTestWindow && address < kTestWindowEnd) {
        unsigned n = g_fault_count;
        if (n < kMaxFaultRecords) g_faults[n] = {from, label, address, ip};
        g_fault_count = n + 1;
        Word reply = g_reply_page != 0 ? g_reply_page : g_marker_page;
        load_map(reply, g_reply_rights, page);
        return true;
    }
    load_map(page, api::Rights::Full, page);
    return true;
}

void pager_loop(Word) {
    ThreadId from = ThreadId::nil();
    l4::MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        bool answer = false;
        if (!l4::ipc_failed(tag)) {
            if (api::is_fault_label(tag.label(), api::kLabelPageFault)) {
                answer = page_fault(from, tag.label(), l4::mr(1), l4::mr(2));
            } else if (tag.label() == kStartRequest) {
                Word thread = l4::mr(1), ip = l4::mr(2), sp = l4::mr(3);
                l4::load_words(0, {ip, sp});
                l4::MsgTag sent = l4::send(ThreadId::from_raw(thread), l4::milliseconds(2000));
                l4::load_words(0, {l4::ipc_failed(sent) ? 0u : 1u});
                answer = true;
            } else {
                l4::printf("l4test pager: ignored label %x from %x\n", tag.label(), from.raw());
            }
        }
        tag = answer ? l4::reply_wait(from, &from) : l4::receive(ThreadId::any(), &from);
    }
}

}  // namespace

bool start_pager(const char** error) {
    if (!g_pager.id().is_nil()) return true;
    g_marker_page = get_page();
    if (g_marker_page == 0) {
        *error = "sigma0 gave no page for the pager's marker page";
        return false;
    }
    Word* words = reinterpret_cast<Word*>(g_marker_page);
    for (Word i = 0; i < kPageSize / 4; ++i) words[i] = kMarker;
    reset_fault_log();
    if (!g_pager.start(pager_loop, 0)) {
        *error = g_pager.error();
        return false;
    }
    return true;
}

ThreadId pager_thread() { return g_pager.id(); }

void reset_fault_log(Word reply_page, api::Rights rights) {
    g_reply_page = reply_page;
    g_reply_rights = rights;
    g_fault_count = 0;
}

unsigned fault_count() { return g_fault_count; }

FaultRecord fault_record(unsigned i) { return i < kMaxFaultRecords ? g_faults[i] : FaultRecord{}; }

unsigned faults_at(ThreadId from, Word address) {
    unsigned n = 0;
    for (unsigned i = 0; i < g_fault_count && i < kMaxFaultRecords; ++i)
        if (g_faults[i].from == from && (g_faults[i].address & ~(kPageSize - 1)) == (address & ~(kPageSize - 1)))
            ++n;
    return n;
}

bool start_through_pager(ThreadId thread, Word ip, Word sp) {
    l4::load_words(kStartRequest, {thread.raw(), ip, sp});
    l4::MsgTag tag = l4::call(g_pager.id());
    return !l4::ipc_failed(tag) && l4::mr(1) == 1;
}

}  // namespace l4test
