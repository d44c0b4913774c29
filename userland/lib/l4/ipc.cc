// ipc.cc: the KIP stubs' addresses for the inline Ipc and Lipc (ipc.h), and sleep.
#include "l4/ipc.h"

#include "l4/kip.h"

namespace l4 {

namespace detail {

Word g_ipc_stub;
Word g_lipc_stub;

// Once per program, by its first thread, before anything else runs.
void find_ipc_stubs() {
    g_lipc_stub = stub(kip().lipc);
    g_ipc_stub = stub(kip().ipc);
}

}  // namespace detail

MsgTag sleep(Time period) {
    set_mr(0, 0);
    return receive(my_global_id(), nullptr, period);
}

void sleep_forever() {
    for (;;) (void)sleep(Time::never());
}

}  // namespace l4
