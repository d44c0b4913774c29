// ipc.cc: sleeping (Ipc and Lipc themselves are inline, in ipc.h).
#include "l4/ipc.h"

namespace l4 {

MsgTag sleep(Time period) {
    set_mr(0, 0);
    return receive(my_global_id(), nullptr, period);
}

void sleep_forever() {
    for (;;) (void)sleep(Time::never());
}

}  // namespace l4
