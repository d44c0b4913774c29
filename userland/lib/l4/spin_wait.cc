// spin_wait.cc: a lock waiter's sleep (spin_lock.h, SpinWait).
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/spin_lock.h"
#include "l4/utcb.h"

namespace l4 {

void SpinWait::nap() {
    // A sleep is a receive that times out: it returns a tag in MR0, the words MR1 and
    // MR2 the call passes in registers (receiving from a thread) and sets the ErrorCode.
    api::Utcb& u = utcb();
    api::Word saved[3] = {mr(0), mr(1), mr(2)};
    api::Word error = error_code();
    (void)sleep(milliseconds(1));
    for (unsigned i = 0; i < 3; ++i) set_mr(i, saved[i]);
    reinterpret_cast<volatile api::Word&>(u.error_code) = error;
}

}  // namespace l4
