// kdebug.cc: the kernel debugger interface (see kdebug.h).
#include "syscall/kdebug.h"

#include "ipc/fast_path.h"
#include "ipc/faults.h"
#include "lib/console.h"
#include "lib/format.h"
#include "arch/boot.h"
#include "arch/mmu.h"
#include "arch/user.h"
#include "mm/code_replica.h"
#include "mm/kmem.h"
#include "mm/mappings.h"
#include "mm/page_walk.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "syscall/kcheck.h"
#include "thread/cpu_scheduler.h"
#include "thread/tcb_array.h"
#include "thread/scheduler.h"
#include "thread/tcb.h"

extern "C" int arch_user_read_word(uint32_t address, uint32_t* out);

namespace kdebug {

namespace {

constexpr uint8_t kCmpAlImm8 = 0x3C;
constexpr uint8_t kJmpRel8 = 0xEB;
constexpr uint8_t kMovEaxImm32 = 0xB8;
constexpr unsigned kMaxString = 1024;

void flush_line(thread::Tcb* self) {
    self->m_kdb_line[self->m_kdb_length] = '\0';
    kprintf("%s\n", self->m_kdb_line);
    self->m_kdb_length = 0;
}

void put_char(thread::Tcb* self, char c) {
    if (c == '\n') {
        flush_line(self);
        return;
    }
    if (c == '\r') return;
    self->m_kdb_line[self->m_kdb_length++] = c;
    if (self->m_kdb_length == sizeof(self->m_kdb_line) - 1) flush_line(self);
}

void put_string(thread::Tcb* self, uintptr_t address) {
    for (unsigned i = 0; i < kMaxString; ++i) {
        char c;
        if (!read_user(address + i, &c, 1) || c == '\0') return;
        put_char(self, c);
    }
}

// Nodes whose CPUs run a copy of the kernel's code rather than the image,
// read from each CPU's kernel directory (Lab 2).
uint32_t code_copies() {
    const platform::Topology& topology = platform::machine_topology();
    arch::KernelCode code = arch::kernel_code();
    bool copy_on[platform::kMaxNodes] = {};
    for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu) {
        uint64_t frame = mm::walk(mm::kernel_directory_for(cpu), code.start);
        unsigned node = mm::node_of_phys(frame);
        if (frame != code.phys && node < platform::kMaxNodes) copy_on[node] = true;
    }
    uint32_t count = 0;
    for (bool copy : copy_on) count += copy ? 1 : 0;
    return count;
}

/// The pool node of the frame behind thread number `number`'s TCB slot, ~0
/// when no thread has that number (read from the page table, Lab 3).
uint32_t tcb_node(uint32_t number) {
    thread::Tcb* tcb = thread::tcb_slot(number);
    if (!tcb->exists()) return ~0u;
    uint64_t frame = thread::tcb_frame(tcb);
    for (unsigned node = 0; node < platform::machine_topology().num_nodes; ++node)
        if (kmem::pools().on(node).contains_phys(frame)) return node;
    return ~0u;
}

/// The home node of the space thread number `number` lives in, ~0 when no
/// thread has that number (Lab 2; the NUMA OS's tests read it, Lab 4).
uint32_t space_home_node(uint32_t number) {
    thread::Tcb* tcb = thread::tcb_slot(number);
    if (!tcb->exists() || tcb->space() == nullptr) return ~0u;
    return tcb->space()->home_node();
}

/// The pool node of the frame that holds thread number `number`'s UTCB, ~0 when
/// no thread has that number or it has no UTCB (Lab 7: a thread moved into another
/// node's space has its UTCB there).
uint32_t utcb_node(uint32_t number) {
    thread::Tcb* tcb = thread::tcb_slot(number);
    if (!tcb->exists() || tcb->utcb() == nullptr) return ~0u;
    uint64_t frame = kmem::virt_to_phys(tcb->utcb());
    for (unsigned node = 0; node < platform::machine_topology().num_nodes; ++node)
        if (kmem::pools().on(node).contains_phys(frame)) return node;
    return ~0u;
}

/// How many Ipcs thread number `number` sent through the IPC fast path, ~0 when
/// no thread has that number (ipc/fast_path.h; the core tests read it).
uint32_t fast_ipcs(uint32_t number) {
    thread::Tcb* tcb = thread::tcb_slot(number);
    return tcb->exists() ? tcb->m_fast_ipcs : ~0u;
}

/// Whether CPU `c` has `tcb` as its current thread: running, or blocked with
/// the CPU waiting on its stack (thread/scheduler.cc: schedule).
const char* running_label(const thread::detail::CpuScheduler& c, const thread::Tcb* tcb) {
    if (c.current != tcb) return "";
    return tcb->m_state == thread::State::Ready ? " (running)" : " (its CPU waits on its stack)";
}

/// Prints what the kernel knows of thread number `number` on one line, for a test
/// that waits in vain for a thread and wants to say where it is: its state and CPU,
/// a move under way, its deadline, whom it waits for or sends to, how it last woke,
/// whether its CPU runs it or has it queued, and its user IP and SP. Read without
/// the CPU's lock (a snapshot for a failure report). Returns 0, ~0 if no thread
/// has that number.
uint32_t describe_thread(uint32_t number) {
    if (number >= thread::kMaxThreads) return ~0u;
    thread::Tcb* tcb = thread::tcb_slot(number);
    if (!tcb->exists()) return ~0u;
    unsigned cpu = tcb->cpu();
    thread::detail::CpuScheduler& c = thread::detail::g_cpus.on(cpu);
    char deadline[48] = "no deadline";
    if (tcb->m_deadline != 0)
        kstd::format_to(deadline, sizeof deadline, "deadline in %lld ms%s",
                        (long long)(tcb->m_deadline - thread::clock_us()) / 1000,
                        tcb->m_in_timeouts ? "" : " (not on the timeout list)");
    char move[32] = "";
    if (tcb->m_migrate_to >= 0) kstd::format_to(move, sizeof move, ", moving to CPU %d", tcb->m_migrate_to);
    static constexpr const char* kWoke[] = {"-", "done", "timeout", "no partner", "cancelled", "aborted"};
    unsigned wake = unsigned(tcb->m_wake);
    const arch::UserFrame* frame = tcb->user_frame();
    kprintf("kdebug: thread %x: %s on CPU %u%s%s%s%s; %s; receives from %x, sends to %x%s; last woken: %s; "
            "user ip %x sp %x; fast IPCs %u\n",
            tcb->global_id().raw(), thread::state_name(tcb->m_state), cpu, running_label(c, tcb),
            tcb->m_sched.is_queued() ? " (queued)" : "", move,
            __atomic_load_n(&tcb->m_adopt_pending, __ATOMIC_ACQUIRE) ? ", adoption pending" : "", deadline,
            tcb->m_receive_from.raw(), tcb->m_send_to.raw(), tcb->m_remote_send ? " (remote)" : "",
            wake < sizeof kWoke / sizeof kWoke[0] ? kWoke[wake] : "?", unsigned(arch::user_ip(frame)),
            unsigned(arch::user_sp(frame)), tcb->m_fast_ipcs);
    return 0;
}

/// The SLIT distance from node `from` to node `to`, ~0 for a node the
/// machine does not have. The KIP does not carry distances
/// (docs/kip-numa.md); the NUMA OS's root pager asks here for the nearest
/// node with memory.
uint32_t node_distance(unsigned from, unsigned to) {
    const platform::Topology& topology = platform::machine_topology();
    if (from >= topology.num_nodes || to >= topology.num_nodes) return ~0u;
    return topology.distance[from][to];
}

uint32_t statistic(uint32_t selector) {
    switch (selector) {
    case 0: {
        uint64_t free = 0;
        for (unsigned node = 0; node < platform::machine_topology().num_nodes; ++node)
            free += kmem::pools().on(node).free_bytes();
        return free > 0xFFFFFFFFu ? 0xFFFFFFFFu : uint32_t(free);
    }
    case 1: return uint32_t(mm::mapping_node_count());
    case 2: return thread::threads_in_use();
    case 3: return mm::page_tables_in_use();
    case 4: return code_copies();
    case 5: return uint32_t(thread::tcb_moves());
    case 6: return uint32_t(thread::tcb_slot_flushes());
    case 7: return uint32_t(thread::tcb_moves_deferred());
    case 8: return mm::spaces_in_use();
    case 9: return ipc::fast_path_enabled() ? 1 : 0;
    case 10: return arch::fast_syscall_instruction_in_use() ? 1 : 0;
    default: break;
    }
    if ((selector & ~0xFFFu) == 0x1000) return tcb_node(selector & 0xFFF);
    if ((selector & ~0xFFFu) == 0x2000) return node_distance((selector >> 4) & 0xF, selector & 0xF);
    if ((selector & ~0xFFFu) == 0x3000) return space_home_node(selector & 0xFFF);
    if ((selector & ~0xFFFu) == 0x4000) return utcb_node(selector & 0xFFF);
    if ((selector & ~0xFFFu) == 0x5000) return fast_ipcs(selector & 0xFFF);
    unsigned node = selector & 0xFF;
    if ((selector & ~0xFFu) == 0x100 && node < platform::machine_topology().num_nodes)
        return uint32_t(kmem::pools().on(node).free_bytes());
    return ~0u;
}

}  // namespace

bool read_user(uintptr_t address, void* out, uint32_t count) {
    uint8_t* bytes = static_cast<uint8_t*>(out);
    for (uint32_t i = 0; i < count; ++i) {
        uintptr_t a = address + i;
        if (a < address || a >= mm::kUserSpaceEnd - 4) return false;
        uint32_t word;
        if (!arch_user_read_word(uint32_t(a & ~uintptr_t(3)), &word)) return false;
        bytes[i] = uint8_t(word >> (8 * (a & 3)));
    }
    return true;
}

/// The physical address behind user address `vaddr` in the space of thread
/// number `number`, ~0 if nothing is mapped there or there is no such thread.
/// Tests read where a page really lies (Lab 4: the pagers' code and pools).
/// With `needed` = Write: only if the mapping there lets the thread write (Lab 6: a
/// page made read-only on every node).
uint32_t physical_in_space(uint32_t number, uint32_t vaddr, mm::Rights needed) {
    if (number > 0xFFF) return ~0u;
    thread::Tcb* tcb = thread::tcb_slot(number);
    if (!tcb->exists() || tcb->space() == nullptr || vaddr >= mm::kUserSpaceEnd) return ~0u;
    uint64_t phys = tcb->space()->translate(vaddr, needed);
    return phys > 0xFFFFFFFFu ? ~0u : uint32_t(phys);
}

uint32_t handle_breakpoint(uintptr_t ip, uint32_t eax, uint32_t ecx, bool* stop) {
    thread::Tcb* self = thread::current();
    *stop = false;
    uint8_t marker[7];
    if (!read_user(ip, marker, 2)) {
        ipc::halt_current("int3 without a readable kdebug marker", ip);
        *stop = true;
        return eax;
    }
    if (marker[0] == kCmpAlImm8) {
        switch (marker[1]) {
        case 0x00: put_char(self, char(eax & 0xFF)); break;
        case 0x01: put_string(self, eax); break;
        case 0x02: break;
        case 0x50: return statistic(eax);
        case 0x51: return physical_in_space(ecx, eax, mm::Rights::None);
        case 0x52: return physical_in_space(ecx, eax, mm::Rights::Write);
        case 0x53: return kcheck::check_kernel();
        case 0x54: return describe_thread(eax);
        case 0x08:
        case 0x0D: {
            int c = console::try_read_char();
            return (eax & ~0xFFu) | (c < 0 ? 0xFFu : uint32_t(c & 0xFF));
        }
        default: break;
        }
        return eax;
    }
    if (marker[0] == kJmpRel8 && read_user(ip + 2, marker + 2, 5) && marker[2] == kMovEaxImm32) {
        uint32_t text = uint32_t(marker[3]) | uint32_t(marker[4]) << 8 | uint32_t(marker[5]) << 16 |
                        uint32_t(marker[6]) << 24;
        if (self->m_kdb_length != 0) flush_line(self);
        const char prefix[] = "KDB: ";
        for (const char* p = prefix; *p != '\0'; ++p) put_char(self, *p);
        put_string(self, text);
        flush_line(self);
    }
    ipc::halt_current("entered the kernel debugger", ip);
    *stop = true;
    return eax;
}

}  // namespace kdebug
