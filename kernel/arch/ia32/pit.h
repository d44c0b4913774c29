// pit.h: the 8254 programmable interval timer, used once as a stopwatch.
//
// The PIT counts down at a fixed 1.193182 MHz, which makes it a reference for
// measuring the frequencies of the APIC timer and the TSC. Channel 2 can be
// read back through port 0x61 (bit 5 = OUT2) without interrupts:
//   0x43 mode/command   0x42 channel 2 data   0x61 bit 0 gate, bit 1 speaker, bit 5 OUT2
#pragma once

#include <stdint.h>

namespace ia32 {

/// Counts `ms` milliseconds (1..50) on PIT channel 2; `on_start` runs right
/// after the count starts, `on_end` right after it ends.
void pit_stopwatch(unsigned ms, void (*on_start)(void*), void (*on_end)(void*), void* context);

/// Remaps and masks the two legacy 8259 interrupt controllers; the kernel uses
/// the local APIC only, but a masked PIC can still deliver a spurious IRQ 7/15.
void disable_legacy_pic(uint8_t vector_base);

}  // namespace ia32
