// lapic.h: the local APIC, each CPU's interrupt controller and timer.
//
// Every CPU sees its own local APIC at the same physical address (normally
// 0xFEE00000, the MADT says), a page of 32-bit registers 16 bytes apart:
//
//   0x020 ID (bits 31..24)      0x0B0 EOI            0x0F0 spurious vector + enable (bit 8)
//   0x300 ICR low: vector 7..0, delivery mode 10..8 (0 fixed, 4 NMI, 5 INIT,
//         6 STARTUP), delivery pending 12, level assert 14, shorthand 19..18
//   0x310 ICR high: destination APIC id in bits 31..24
//   0x320 LVT timer: vector, masked 16, periodic 17
//   0x380 timer initial count   0x390 current count   0x3E0 divide configuration
//
// Writing ICR low sends the inter-processor interrupt (IPI) described by both halves.
#pragma once

#include <stdint.h>

#include "platform/topology.h"

namespace ia32 {

class LocalApic {
public:
    /// Maps the registers (boot CPU, once) and remembers every CPU's APIC id.
    void init_mapping(const platform::Topology& topology);
    /// Software-enables this CPU's APIC and masks its local interrupt lines.
    void init_cpu();
    /// Measures the APIC timer and TSC against the PIT (boot CPU, once).
    void calibrate();
    /// Starts this CPU's periodic timer.
    void start_timer(unsigned hz, uint8_t vector);

    uint32_t id() const;
    void eoi();
    void send_cross_call(unsigned cpu);
    void send_nmi_to_others();
    void send_init(uint32_t apic_id);
    void send_startup(uint32_t apic_id, uint8_t page);

    uint64_t tsc_hz() const { return m_tsc_hz; }
    bool mapped() const { return m_regs != nullptr; }

private:
    uint32_t read(uint32_t reg) const { return m_regs[reg / 4]; }
    void write(uint32_t reg, uint32_t value) { m_regs[reg / 4] = value; }
    void send_ipi(uint32_t apic_id, uint32_t command);

    volatile uint32_t* m_regs = nullptr;
    uint32_t m_apic_ids[platform::kMaxCpus] = {};
    uint32_t m_timer_hz = 0;  // APIC timer ticks per second at our divider
    uint64_t m_tsc_hz = 0;
};

/// The local APIC (one object: each CPU's accesses reach its own APIC).
LocalApic& lapic();

}  // namespace ia32
