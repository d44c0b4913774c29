// uart16550.h: the PC serial port (a 16550 UART), polled.
//
// Registers, at offsets from the port base (COM1 = 0x3F8):
//   +0 THR (write) / divisor low when LCR.DLAB=1   +1 IER / divisor high
//   +2 FCR (write)  +3 LCR: 8N1 = 0x03, bit 7 DLAB  +4 MCR  +5 LSR: bit 5 THR empty
#pragma once

#include <stdint.h>

namespace platform {

inline constexpr uint16_t kCom1Port = 0x3F8;

class Uart16550 {
public:
    explicit constexpr Uart16550(uint16_t base) : m_base(base) {}
    /// 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off.
    void init();
    /// Waits until the transmitter has room, then sends one byte.
    void write(char c);
    /// A received byte, or -1 when none is waiting (LSR bit 0: data ready).
    int try_read();

private:
    uint16_t m_base;
};

}  // namespace platform
