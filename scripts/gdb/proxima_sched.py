# proxima_sched.py: the per-CPU scheduler state for the Proxima GDB commands:
# which thread each CPU runs, and the command proxima-runqueues.
#
# Scheduling state is `thread::detail::g_cpus`, a PerCpu<CpuScheduler>
# (thread/cpu_scheduler.h); a run queue links the Schedulable inside each
# TCB, so a TCB is an entry's address with the low 12 bits cleared
# (thread/run_queue.h).

import gdb

from proxima_kernel import MAX_THREADS, TCB_SIZE, ProximaCommand, selected_cpu, static_variable, typed
from proxima_tcb_array import ThreadTable, describe_tcb

SCHEDULER_SYMBOL = "thread::detail::g_cpus"


def cpu_schedulers():
    """(cpu, CpuScheduler value) for every CPU that has an idle thread, i.e. runs."""
    slots = static_variable(SCHEDULER_SYMBOL)["m_slots"]
    first, last = slots.type.range()
    result = []
    for cpu in range(first, last + 1):
        scheduler = slots[cpu]["value"]
        if int(scheduler["idle"]) != 0:
            result.append((cpu, scheduler))
    return result


def safe_point_work(cpu):
    """The kinds of work raised in CPU `cpu`'s safe-point word (thread/safe_point.h), in its CpuScheduler."""
    word = int(static_variable(SCHEDULER_SYMBOL)["m_slots"][cpu]["value"]["safe_point"]["m_word"])
    kinds = ("need_resched", "tick_pending", "inbox_pending", "partner_gone")
    return [name for byte, name in enumerate(kinds) if (word >> (8 * byte)) & 0xFF]


def current_tcb():
    """The TCB of the thread running on the CPU GDB has selected."""
    cpu = selected_cpu()
    schedulers = dict(cpu_schedulers())
    if cpu not in schedulers:
        raise gdb.GdbError("cpu %d runs no threads yet: give a thread or an address" % cpu)
    return int(schedulers[cpu]["current"])


def tcb_of_entry(entry):
    """The TCB holding Schedulable `entry` (TCB pages are 4 KiB aligned)."""
    return entry & ~(TCB_SIZE - 1)


def queued_by_priority(queue):
    """[(priority, [TCB addresses in turn order])] of a RunQueue, highest first."""
    heads = queue["m_heads"]
    limit = int(queue["m_count"]) + 1  # a broken list must not loop forever
    result = []
    for priority in range(255, -1, -1):
        head = int(heads[priority])
        if head == 0:
            continue
        members, entry = [], head
        while len(members) < limit:
            members.append(tcb_of_entry(entry))
            entry = int(typed(entry, "thread::Schedulable")["m_next"])
            if entry == head or entry == 0:
                break
        result.append((priority, members))
    return result


class ProximaRunqueues(ProximaCommand):
    """Print each CPU's scheduler: current thread, idle thread, run queue, timeouts.

Usage: proxima-runqueues

The current thread is not in its CPU's run queue (thread/run_queue.h); a
current thread in a blocked state is one the CPU waits on, on its stack, with
nothing else to run (thread/scheduler.cc);
the queue is listed from the highest priority down, each priority in the
order its threads will get their turn. `timeouts` are the threads of that
CPU blocked with a deadline (clock in microseconds since boot)."""

    def __init__(self):
        super().__init__("proxima-runqueues")

    def run(self, argument):
        table = ThreadTable()
        for cpu, scheduler in cpu_schedulers():
            queue = scheduler["queue"]
            flags = [name for name in ("running", "slice_expired") if int(scheduler[name])]
            flags += safe_point_work(cpu)
            print("cpu %d: current %s, idle TCB %#x%s" % (cpu, describe_tcb(int(scheduler["current"]), table),
                                                          int(scheduler["idle"]),
                                                          ", " + " ".join(flags) if flags else ""))
            print("  run queue: %d queued" % int(queue["m_count"]))
            for priority, members in queued_by_priority(queue):
                print("    prio %3d: %s" % (priority, ", ".join(describe_tcb(m, table) for m in members)))
            waiting = []
            tcb = int(scheduler["timeouts"])
            while tcb and len(waiting) < MAX_THREADS:
                entry = typed(tcb, "thread::Tcb")
                waiting.append("%s until %d us" % (describe_tcb(tcb, table), int(entry["m_deadline"])))
                tcb = int(entry["m_timeout_next"])
            print("  timeouts: %s" % (", ".join(waiting) if waiting else "none"))


ProximaRunqueues()
