// partner_tests.cc: IPC with a partner that is deleted while one waits for it.
//
// X.2: an Ipc whose partner does not exist fails with "non-existing partner".
// That holds not only when the Ipc starts but also when the partner is deleted
// during the wait: a thread waiting to receive from exactly that thread (the
// reply of a Call, say) must wake with the error in its receive phase, on
// whatever CPU it runs, instead of waiting for ever.
#include "api/error.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

ThreadId g_partner;

void sleeper(Word) { l4::sleep_forever(); }

/// Waits (no timeout) for a message from g_partner, then reports how it ended.
void waiter(Word) {
    l4::MsgTag tag = l4::receive(g_partner);
    Word error = l4::ipc_failed(tag) ? l4::error_code() : 0;
    l4::load_words(0x6A00, {l4::ipc_failed(tag) ? Word{1} : Word{0}, error});
    (void)l4::send(main_thread());
}

}  // namespace

void test_ipc_partner_deleted(TestContext& t) {
    Word cpus = l4::processor_count();
    for (Word cpu = 0; cpu < cpus && cpu < 2; ++cpu) {
        LocalThread partner, waiting;
        CHECK(t, partner.start(sleeper, 0), "start: %s", partner.error());
        g_partner = partner.id();
        CHECK(t, waiting.start(waiter, 0), "start: %s", waiting.error());
        if (cpu != l4::processor_no())
            CHECK(t, l4::set_processor(waiting.id(), cpu) != 0, "Schedule to CPU %u failed", cpu);
        (void)l4::sleep(l4::milliseconds(20));  // the waiter is now blocked in its receive
        partner.stop();
        l4::MsgTag tag = l4::receive(waiting.id(), nullptr, l4::milliseconds(2000));
        CHECK(t, !l4::ipc_failed(tag), "the waiter on CPU %u never reported: it still waits for a deleted thread",
              cpu);
        api::IpcErrorCode error = api::IpcErrorCode::from_raw(l4::mr(2));
        CHECK(t, l4::mr(1) == 1 && error.error() == api::IpcError::NonExistingPartner &&
                     error.phase() == api::IpcPhase::Receive,
              "the waiter on CPU %u got failed=%u ErrorCode %x, not non-existing partner in the receive phase", cpu,
              l4::mr(1), l4::mr(2));
    }
}

}  // namespace l4test
