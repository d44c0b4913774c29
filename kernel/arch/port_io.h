// port_io.h: x86 IO-port access for PC platform drivers (UART, PIT, debug exit).
//
// PC devices live in the IO-port space on every x86; a non-x86 port of the
// kernel would replace the platform drivers that include this.
#pragma once

#include <stdint.h>

namespace arch {

void port_out8(uint16_t port, uint8_t value);
uint8_t port_in8(uint16_t port);

}  // namespace arch
