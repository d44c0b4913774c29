# proxima_threads.py: the Proxima GDB commands about threads:
# proxima-threads (every thread, and each CPU's idle thread) and
# proxima-tcb (one thread control block in detail).
#
# A thread's user registers are the TrapFrame at the top of its TCB page
# (thread/tcb.h, arch/ia32/trap.h); its send queue starts at m_senders_head
# and follows m_queue_next (ipc/ipc.cc).

import gdb

from proxima_kernel import (MAX_THREADS, TCB_ARRAY_BASE, TCB_SIZE, ProximaCommand, enum_name, parse_number,
                            tcb_address, thread_id, typed)
from proxima_sched import cpu_schedulers, current_tcb
from proxima_tcb_array import ThreadTable, describe_tcb, space_label, space_owners


class ProximaThreads(ProximaCommand):
    """List every thread of the TCB array, then each CPU's idle thread.

Usage: proxima-threads

Columns: thread number (hex), global id as number.version (hex), state, the
CPU the thread belongs to, priority, its address space (with the id of the
space's lowest-numbered thread), and for a blocked thread its IPC partner
(to: the receiver it sends to; from: whom it waits for). `*` marks its CPU's
current thread: running, or (in a blocked state) blocked with nothing else to
run, its CPU waiting on its stack (thread/scheduler.cc); `zombie` a deleted
thread whose TCB is not freed yet."""

    def __init__(self):
        super().__init__("proxima-threads")

    def run(self, argument):
        table = ThreadTable()
        threads = table.threads()
        owners = space_owners(threads)
        schedulers = cpu_schedulers()
        running = {int(scheduler["current"]) for _, scheduler in schedulers}
        print("%-3s %5s %-10s %-13s %3s %4s  %-24s %s" % ("", "num", "id", "state", "cpu", "prio", "space",
                                                         "partner"))
        for slot in threads:
            tcb = typed(slot.address, "thread::Tcb")
            state = table.state_name(slot.state)
            partner = ""
            if state == "Sending":
                partner = "to " + thread_id(int(tcb["m_send_to"]["m_raw"]))
            elif state in ("Receiving", "WaitingRemote") and int(tcb["m_has_receive"]):
                partner = "from " + thread_id(int(tcb["m_receive_from"]["m_raw"]))
            if int(tcb["m_zombie"]):
                partner += " zombie"
            print(("%-3s %#5x %-10s %-13s %3d %4d  %-24s %s" % (
                "*" if slot.address in running else "", slot.number, thread_id(slot.raw_id), state, slot.cpu,
                int(tcb["m_sched"]["m_priority"]), space_label(slot.space, owners), partner.strip())).rstrip())
        print("%d threads" % len(threads))
        for cpu, scheduler in schedulers:
            idle = int(scheduler["idle"])
            print("%-3s cpu %d idle thread: TCB %#x" % ("*" if idle in running else "", cpu, idle))


class ProximaTcb(ProximaCommand):
    """Print one thread control block in detail.

Usage: proxima-tcb [THREAD]
THREAD is a thread number (0x22), a global id (0x88001), or the address of
a TCB or of anything inside its page (an idle thread's TCB too); any GDB
expression will do. Without it: the thread running on the selected CPU
(`thread N` selects CPU N-1).

Prints identity, state and IPC partners, scheduling, the senders queued
for this thread (its send queue), and the user registers from the TrapFrame
at the top of the TCB page. Those are the registers of the thread's last
entry into the kernel; while it runs in user mode they are stale."""

    def __init__(self):
        super().__init__("proxima-tcb")

    def run(self, argument):
        value = parse_number(argument, "proxima-tcb")
        address = current_tcb() if value is None else tcb_address(value)
        tcb = typed(address, "thread::Tcb")
        raw = int(tcb["m_global_id"]["m_raw"])
        if TCB_ARRAY_BASE <= address < TCB_ARRAY_BASE + MAX_THREADS * TCB_SIZE:
            where = "slot %#x" % ((address - TCB_ARRAY_BASE) // TCB_SIZE)
        else:
            where = "outside the TCB array"
        if enum_name(tcb["m_state"]) == "Free" and raw == 0:
            print("TCB %#x (%s): no thread (the slot reads as zeros)" % (address, where))
            return
        if int(tcb["m_is_idle"]):
            print("TCB %#x (%s): the idle thread of cpu %d" % (address, where, int(tcb["m_cpu"])))
            self.print_kernel_stack(tcb)
            return
        print("TCB %#x (%s): thread %s (raw %#010x)" % (address, where, thread_id(raw), raw))
        self.print_state(tcb)
        self.print_send_queue(tcb, ThreadTable())
        self.print_kernel_stack(tcb)
        self.print_user_registers(address)

    @staticmethod
    def print_state(tcb):
        sched = tcb["m_sched"]
        flags = [name for name, field in (("started", "m_started"), ("zombie", "m_zombie"),
                                          ("start-pending", "m_start_pending"), ("in-timeouts", "m_in_timeouts"))
                 if int(tcb[field])]
        print("  state %s, cpu %d, flags: %s" % (enum_name(tcb["m_state"]), int(tcb["m_cpu"]),
                                                 " ".join(flags) or "-"))
        print("  priority %d, timeslice %d us (%d us left), %s" % (
            int(sched["m_priority"]), int(sched["m_timeslice_us"]), int(sched["m_remaining_us"]),
            "in the run queue" if int(sched["m_queued"]) else "not queued"))
        print("  space %#x, UTCB at user %#x (kernel %#x), scheduler %s" % (
            int(tcb["m_space"]), int(tcb["m_utcb_location"]), int(tcb["m_utcb"]),
            thread_id(int(tcb["m_scheduler"]["m_raw"]))))
        print("  IPC: send to %s (tag %#x), receive from %s, last received from %s, wake %s, deadline %d us" % (
            thread_id(int(tcb["m_send_to"]["m_raw"])), int(tcb["m_send_tag"]["m_raw"]),
            thread_id(int(tcb["m_receive_from"]["m_raw"])), thread_id(int(tcb["m_received_from"]["m_raw"])),
            enum_name(tcb["m_wake"]), int(tcb["m_deadline"])))

    @staticmethod
    def print_send_queue(tcb, table):
        # ipc/ipc.cc: m_senders_head, then m_queue_next links, ends in nullptr.
        queued_at = int(tcb["m_queued_at"])
        if queued_at:
            print("  waiting in the send queue of %s" % describe_tcb(queued_at, table))
        senders = []
        sender = int(tcb["m_senders_head"])
        while sender and len(senders) < MAX_THREADS:
            senders.append(describe_tcb(sender, table))
            sender = int(typed(sender, "thread::Tcb")["m_queue_next"])
        print("  send queue: %s" % (", ".join(senders) if senders else "empty"))

    @staticmethod
    def print_kernel_stack(tcb):
        canary = int(tcb["m_stack_canary"])
        canary_ok = canary == int(gdb.parse_and_eval("thread::kStackCanary"))
        esp = int(tcb["m_kernel_esp"])
        # 0: blocked in the IPC fast path, which keeps no kernel context (switch.S).
        saved = "%#x" % esp if esp != 0 else "0 (blocked in the IPC fast path: its TrapFrame only)"
        print("  saved kernel esp %s, stack canary %s" % (
            saved, "intact" if canary_ok else "OVERWRITTEN (%#x)" % canary))

    @staticmethod
    def print_user_registers(address):
        frame_type = gdb.lookup_type("ia32::TrapFrame")
        frame_address = address + TCB_SIZE - frame_type.sizeof
        frame = typed(frame_address, "ia32::TrapFrame")
        reg = {field.name: int(frame[field.name]) for field in frame_type.fields()}
        origin = "user mode" if reg["cs"] & 3 == 3 else "not from user mode: no user registers yet"
        print("  user registers (TrapFrame at %#x, %s):" % (frame_address, origin))
        print("    eip %08x  esp %08x  eflags %08x  cs %04x  ss %04x  vector %#x  error %#x" % (
            reg["eip"], reg["user_esp"], reg["eflags"], reg["cs"], reg["user_ss"], reg["vector"],
            reg["error_code"]))
        print("    eax %08x  ebx %08x  ecx %08x  edx %08x" % (reg["eax"], reg["ebx"], reg["ecx"], reg["edx"]))
        # No segment registers: the way back to user mode loads fixed ones
        # (arch/ia32/save_frame.h).
        print("    esi %08x  edi %08x  ebp %08x" % (reg["esi"], reg["edi"], reg["ebp"]))


ProximaThreads()
ProximaTcb()
