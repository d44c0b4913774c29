// uart16550.cc: see uart16550.h for the register map.
#include "platform/uart16550.h"

#include "arch/arch.h"
#include "arch/port_io.h"

namespace platform {

void Uart16550::init() {
    arch::port_out8(m_base + 1, 0x00);  // IER: no interrupts
    arch::port_out8(m_base + 3, 0x80);  // LCR: DLAB on to set the divisor
    arch::port_out8(m_base + 0, 0x01);  // divisor 1 = 115200 baud
    arch::port_out8(m_base + 1, 0x00);
    arch::port_out8(m_base + 3, 0x03);  // LCR: 8N1, DLAB off
    arch::port_out8(m_base + 2, 0xC7);  // FCR: enable and clear FIFOs
    arch::port_out8(m_base + 4, 0x03);  // MCR: DTR, RTS
}

void Uart16550::write(char c) {
    constexpr uint8_t kThrEmpty = 0x20;
    while ((arch::port_in8(m_base + 5) & kThrEmpty) == 0) arch::cpu_relax();
    arch::port_out8(m_base, uint8_t(c));
}

int Uart16550::try_read() {
    if (!(arch::port_in8(uint16_t(m_base + 5)) & 0x01)) return -1;
    return arch::port_in8(m_base);
}

}  // namespace platform
