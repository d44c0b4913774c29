// space_mover.cc: what the space-move tests share (space_mover.h).
#include "space_mover.h"

#include "api/error.h"
#include "api/fpage.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/space.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "pager.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Error;
using api::MsgTag;
using l4::mr;

constexpr Word kMoveAttempts = 500;  // InvalidThread answers before a move fails
constexpr uint16_t kMadeLabel = 0x4D01;

char g_why[96];  // why the last helper failed
Word g_retries;  // InvalidThread answers retried

/// The frame behind the mover's UTCB address in the space of `thread` (~0: none).
Word utcb_frame(ThreadId thread) { return l4::kdebug::physical_in_space(number(thread), mover_utcb()); }

alignas(4096) char g_mover_stack[LocalThread::kStackSize];

// A root-task thread put on a CPU creates a space there.
struct SpaceOrder {
    TestSpace* space;
    ThreadFunction function;
    Word cpu;
};

void space_maker(Word order_address) {
    const SpaceOrder* order = reinterpret_cast<const SpaceOrder*>(order_address);
    MsgTag tag = l4::receive(main_thread());  // sent once the main thread has moved us
    for (unsigned i = 0; i < 1000 && l4::processor_no() != order->cpu; ++i) l4::thread_switch(ThreadId::nil());
    bool made = !l4::ipc_failed(tag) && l4::processor_no() == order->cpu && order->space->create(order->function, 0);
    l4::load_words(kMadeLabel, {made ? Word{1} : Word{0}});
    (void)l4::send(main_thread(), l4::milliseconds(5000));
}

}  // namespace

Word mover_utcb() { return kChildUtcbArea + kMoverSlot * l4::kip().utcb_info.utcb_size(); }
const char* why_not() { return g_why; }
Word retries() { return g_retries; }
void reset_retries() { g_retries = 0; }

unsigned number(ThreadId id) { return unsigned(id.number()); }
unsigned statistic(l4::kdebug::Statistic which) { return l4::kdebug::kernel_statistic(which); }

void idle(Word) { l4::sleep_forever(); }

bool make_space(OwnedThread& thread, Word utcb_area) {
    ThreadId id = new_thread_id();
    if (l4::thread_control(id, id, main_thread(), ThreadId::nil(), l4::kNoChange) != 1) {
        l4::snprintf(g_why, sizeof g_why, "ThreadControl (new space) failed, ErrorCode %u", l4::error_code());
        return false;
    }
    thread.adopt(id);
    if (utcb_area == 0) return true;
    api::Fpage kip_area = api::Fpage::memory(l4::kip_base(), l4::kip().kip_area_info.log2_size(), api::Rights::None);
    api::Fpage utcbs = api::Fpage::memory(utcb_area, kChildUtcbAreaLog2, api::Rights::None);
    if (l4::space_control(id, 0, kip_area, utcbs, ThreadId::any()) != 1) {
        l4::snprintf(g_why, sizeof g_why, "SpaceControl failed, ErrorCode %u", l4::error_code());
        return false;
    }
    return true;
}

bool start_mover(OwnedThread& mover, ThreadId space, ThreadFunction function, Word arg) {
    ThreadId id;
    if (space.is_nil()) {
        if (!make_space(mover, kChildUtcbArea)) return false;
        id = mover.id();
    } else {
        id = new_thread_id();
        if (l4::thread_control(id, space, main_thread(), ThreadId::nil(), l4::kNoChange) != 1) {
            l4::snprintf(g_why, sizeof g_why, "ThreadControl (create) failed, ErrorCode %u", l4::error_code());
            return false;
        }
        mover.adopt(id);
    }
    if (l4::thread_control(id, id, main_thread(), pager_thread(), mover_utcb()) != 1) {
        l4::snprintf(g_why, sizeof g_why, "ThreadControl (activate) failed, ErrorCode %u", l4::error_code());
        return false;
    }
    Word ip;
    Word sp = prepare_stack(g_mover_stack + sizeof g_mover_stack, function, arg, &ip);
    if (!start_through_pager(id, ip, sp)) {
        l4::snprintf(g_why, sizeof g_why, "the pager could not start the mover");
        return false;
    }
    return true;
}

Word cpu_of_other_node() {
    Word here = l4::processor_no();
    for (Word cpu = 0; cpu < l4::processor_count(); ++cpu)
        if (l4::processor_node(cpu) != l4::processor_node(here)) return cpu;
    return here;
}

bool create_space_on(TestSpace& space, Word cpu, ThreadFunction function) {
    if (cpu == l4::processor_no()) {
        if (space.create(function, 0)) return true;
        l4::snprintf(g_why, sizeof g_why, "%s", space.error());
        return false;
    }
    SpaceOrder order{&space, function, cpu};
    LocalThread maker;
    if (!maker.start(space_maker, reinterpret_cast<Word>(&order)) || l4::set_processor(maker.id(), cpu) == 0) {
        l4::snprintf(g_why, sizeof g_why, "no space maker on CPU %u", cpu);
        return false;
    }
    l4::load_empty(kOrderLabel);
    MsgTag tag = l4::call(maker.id(), l4::milliseconds(5000), l4::milliseconds(30000));
    if (l4::ipc_failed(tag) || mr(1) != 1) {
        l4::snprintf(g_why, sizeof g_why, "the space maker on CPU %u failed: %s", cpu, space.error());
        return false;
    }
    return true;
}

Word move(ThreadId thread, ThreadId into, Word* error) {
    for (Word attempt = 0;; ++attempt) {
        if (l4::thread_control(thread, into, ThreadId::nil(), ThreadId::nil(), l4::kNoChange) == 1) return 1;
        *error = l4::error_code();
        if (*error != Word(Error::InvalidThread) || attempt == kMoveAttempts) return 0;
        ++g_retries;
        (void)l4::sleep(l4::milliseconds(1));
    }
}

bool check_in_space(TestContext& t, ThreadId thread, ThreadId member, const char* space, Word moves) {
    Word frame = utcb_frame(thread), expected = utcb_frame(member);
    if (frame == ~0u || frame != expected) {
        t.fail("after %u moves the thread's UTCB address maps frame %x, not space %s's %x", moves, frame, space,
               expected);
        return false;
    }
    unsigned home = l4::kdebug::space_home_node(number(thread));
    unsigned expected_home = l4::kdebug::space_home_node(number(member));
    if (home != expected_home) {
        t.fail("after %u moves the thread's space is at home on node %u, space %s on %u", moves, home, space,
               expected_home);
        return false;
    }
    unsigned node = l4::kdebug::utcb_node(number(thread));
    unsigned member_node = l4::kdebug::utcb_node(number(member));  // ~0: the member has no UTCB
    unsigned pool = l4::kdebug::kernel_pool_free_bytes(home);
    bool home_has_memory = pool != 0 && pool != ~0u;  // else its nearest node serves it
    if ((member_node != ~0u && node != member_node) || (home_has_memory && node != home)) {
        t.fail("after %u moves the thread's UTCB lies on node %u; space %s is at home on node %u", moves, node,
               space, home);
        return false;
    }
    return true;
}

}  // namespace l4test
