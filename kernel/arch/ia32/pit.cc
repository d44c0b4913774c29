// pit.cc: the PIT stopwatch and the legacy PIC shutdown (see pit.h).
#include "arch/ia32/pit.h"

#include "arch/ia32/cpu.h"

namespace ia32 {

void pit_stopwatch(unsigned ms, void (*on_start)(void*), void (*on_end)(void*), void* context) {
    constexpr uint32_t kPitHz = 1193182;
    uint32_t count = kPitHz * ms / 1000;
    uint8_t gate = inb(0x61);
    outb(0x61, uint8_t((gate & ~0x02) | 0x01));  // speaker off, gate on
    outb(0x43, 0xB0);                            // channel 2, lo/hi byte, mode 0 (count down once)
    outb(0x42, uint8_t(count & 0xFF));
    outb(0x42, uint8_t(count >> 8));
    // Restart the count by toggling the gate low and high.
    uint8_t now = inb(0x61);
    outb(0x61, uint8_t(now & ~0x01));
    outb(0x61, uint8_t(now | 0x01));
    on_start(context);
    while ((inb(0x61) & 0x20) == 0) asm volatile("pause");
    on_end(context);
    outb(0x61, gate);
}

void disable_legacy_pic(uint8_t vector_base) {
    // ICW1..ICW4 for master (0x20/0x21) and slave (0xA0/0xA1), then mask all.
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, vector_base);
    outb(0xA1, uint8_t(vector_base + 8));
    outb(0x21, 0x04);  // slave on IRQ 2
    outb(0xA1, 0x02);
    outb(0x21, 0x01);  // 8086 mode
    outb(0xA1, 0x01);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

}  // namespace ia32
