// lapic.cc: see lapic.h for the register map.
#include "arch/ia32/lapic.h"

#include "arch/arch.h"
#include "arch/boot.h"
#include "arch/mmu.h"
#include "arch/ia32/cpu.h"
#include "arch/ia32/pit.h"
#include "arch/ia32/trap.h"
#include "lib/console.h"
#include "lib/panic.h"

namespace ia32 {
namespace {

constexpr uint32_t kRegId = 0x020;
constexpr uint32_t kRegTpr = 0x080;
constexpr uint32_t kRegEoi = 0x0B0;
constexpr uint32_t kRegSpurious = 0x0F0;
constexpr uint32_t kRegIcrLow = 0x300;
constexpr uint32_t kRegIcrHigh = 0x310;
constexpr uint32_t kRegLvtTimer = 0x320;
constexpr uint32_t kRegLvtLint0 = 0x350;
constexpr uint32_t kRegLvtLint1 = 0x360;
constexpr uint32_t kRegLvtError = 0x370;
constexpr uint32_t kRegTimerInitial = 0x380;
constexpr uint32_t kRegTimerCurrent = 0x390;
constexpr uint32_t kRegTimerDivide = 0x3E0;

constexpr uint32_t kApicEnable = 1u << 8;
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kTimerPeriodic = 1u << 17;
constexpr uint32_t kTimerDivideBy16 = 0x3;
constexpr uint32_t kIcrPending = 1u << 12;
constexpr uint32_t kIcrAssert = 1u << 14;
constexpr uint32_t kModeNmi = 4u << 8;
constexpr uint32_t kModeInit = 5u << 8;
constexpr uint32_t kModeStartup = 6u << 8;
constexpr uint32_t kShorthandOthers = 3u << 18;

LocalApic g_lapic;

struct Calibration {
    LocalApic* apic;
    uint64_t tsc_start, tsc_end;
    uint32_t apic_end;
};

}  // namespace

LocalApic& lapic() { return g_lapic; }

void LocalApic::init_mapping(const platform::Topology& topology) {
    m_regs = static_cast<volatile uint32_t*>(arch::map_physical(topology.lapic_phys, 4096));
    if (m_regs == nullptr) panic("cannot map the local APIC at %llx", (unsigned long long)topology.lapic_phys);
    for (unsigned i = 0; i < topology.num_cpus; ++i) m_apic_ids[i] = topology.cpus[i].apic_id;
}

void LocalApic::init_cpu() {
    write(kRegTpr, 0);  // accept every interrupt priority
    write(kRegLvtLint0, kLvtMasked);
    write(kRegLvtLint1, kLvtMasked);
    write(kRegLvtError, kLvtMasked);
    write(kRegSpurious, kApicEnable | kVectorSpurious);
}

void LocalApic::calibrate() {
    // Best of three 10 ms windows: the shortest window is the one least
    // disturbed by the host scheduling our emulator away.
    constexpr unsigned kWindowMs = 10;
    write(kRegTimerDivide, kTimerDivideBy16);
    write(kRegLvtTimer, kLvtMasked);
    for (int round = 0; round < 3; ++round) {
        Calibration c{this, 0, 0, 0};
        pit_stopwatch(
            kWindowMs,
            [](void* ctx) {
                auto* c = static_cast<Calibration*>(ctx);
                c->apic->write(kRegTimerInitial, 0xFFFFFFFF);
                c->tsc_start = rdtsc();
            },
            [](void* ctx) {
                auto* c = static_cast<Calibration*>(ctx);
                c->apic_end = c->apic->read(kRegTimerCurrent);
                c->tsc_end = rdtsc();
            },
            &c);
        uint32_t apic_hz = (0xFFFFFFFF - c.apic_end) * (1000 / kWindowMs);
        uint64_t tsc_hz = (c.tsc_end - c.tsc_start) * (1000 / kWindowMs);
        if (round == 0 || apic_hz < m_timer_hz) m_timer_hz = apic_hz;
        if (round == 0 || tsc_hz < m_tsc_hz) m_tsc_hz = tsc_hz;
    }
    write(kRegTimerInitial, 0);
    if (m_timer_hz == 0 || m_tsc_hz == 0) panic("clock calibration failed (APIC timer or TSC did not move)");
}

void LocalApic::start_timer(unsigned hz, uint8_t vector) {
    write(kRegTimerDivide, kTimerDivideBy16);
    write(kRegLvtTimer, kTimerPeriodic | vector);
    write(kRegTimerInitial, m_timer_hz / hz);
}

uint32_t LocalApic::id() const { return read(kRegId) >> 24; }

void LocalApic::eoi() { write(kRegEoi, 0); }

void LocalApic::send_ipi(uint32_t apic_id, uint32_t command) {
    // Only the next command must wait for this one's delivery: the wait is
    // before the write, not after it (an IPC to another CPU sends one IPI).
    while (read(kRegIcrLow) & kIcrPending) arch::cpu_relax();
    write(kRegIcrHigh, apic_id << 24);
    write(kRegIcrLow, command);
}

void LocalApic::send_cross_call(unsigned cpu) {
    arch::InterruptsOff off;  // the two ICR writes must not be split by our own IPI sends
    send_ipi(m_apic_ids[cpu], kIcrAssert | kVectorCrossCall);
}

void LocalApic::send_nmi_to_others() {
    if (m_regs == nullptr) return;
    while (read(kRegIcrLow) & kIcrPending) arch::cpu_relax();
    write(kRegIcrLow, kShorthandOthers | kIcrAssert | kModeNmi);
}

void LocalApic::send_init(uint32_t apic_id) { send_ipi(apic_id, kIcrAssert | kModeInit); }

void LocalApic::send_startup(uint32_t apic_id, uint8_t page) { send_ipi(apic_id, kIcrAssert | kModeStartup | page); }

}  // namespace ia32

namespace arch {
uint64_t cycles_per_second() { return ia32::lapic().tsc_hz(); }
}  // namespace arch
