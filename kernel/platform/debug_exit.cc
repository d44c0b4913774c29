// debug_exit.cc: see debug_exit.h.
#include "platform/debug_exit.h"

#include "arch/arch.h"
#include "arch/port_io.h"

namespace platform {

void debug_exit(ExitStatus status) {
    constexpr uint16_t kDebugExitPort = 0xF4;
    arch::port_out8(kDebugExitPort, uint8_t(status));
    arch::halt_forever();  // no such device: nothing else to do
}

}  // namespace platform
