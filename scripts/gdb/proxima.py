# proxima.py: GDB commands that print the kernel's threads, address spaces and
# run queues, for debugging with `make qemu-gdb` and `make gdb`.
#
# The gdbinit that `make gdb` writes sources this file (mk/gdb.mk), so these
# commands are there whenever the kernel is stopped:
#
#   proxima-threads             every thread in the TCB array, and the idle threads
#   proxima-tcb [N|ADDR]        one TCB: state, IPC, send queue, user registers
#   proxima-space [ADDR|N]      one address space: areas and user mappings
#   proxima-runqueues           per CPU: current, idle, queued threads, timeouts
#
# `help proxima-tcb` (and so on) explains each. They only read memory, so
# they work with the machine stopped anywhere, also in user mode: the kernel's
# half of the address space is mapped in every page directory.
#
# Where the data is (the kernel's own comments draw the pictures):
#   - thread number n's TCB page is at TCB_ARRAY_BASE + n * 4 KiB
#     (thread/tcb_array.h); an unused slot maps a zero page, so it reads as
#     state Free and id 0. Idle threads have TCBs outside the array.
#   - a thread's user registers are the TrapFrame at the top of its TCB page
#     (thread/tcb.h, arch/ia32/trap.h).
#   - scheduling state is `thread::detail::g_cpus`, a PerCpu<CpuScheduler>
#     (thread/cpu_scheduler.h); a run queue links the Schedulable
#     inside each TCB, so a TCB is an entry's address with the low 12 bits
#     cleared (thread/run_queue.h).
#   - a Space's master directory is a kernel pointer; each present user PDE
#     holds the physical address of an 8 KiB block from kmem: 1024 PTEs, then
#     1024 MappingNode pointers (arch/ia32/mm/space_tables.cc). Pool memory is
#     mapped at phys + a per-pool offset (mm/kmem.h), which the NodePool
#     objects in `g_pools` (mm/pool_layout.cc) tell.
#
# Field offsets and sizes come from the kernel's debug information, so the
# commands follow changes to the structures; what the debug information does
# not carry (layout.h's addresses, page-table bits, the thread-id layout) is
# written down below, each beside the header it comes from. Scanning the 4096
# TCB slots reads the first 16 bytes of each (a fraction of a second through
# QEMU's GDB stub) instead of 16 MiB.

import struct

import gdb

TCB_ARRAY_BASE = 0xFE000000  # arch/ia32/layout.h
TCB_SIZE = 4096  # thread::kTcbSize
MAX_THREADS = 4096  # thread::kMaxThreads
KERNEL_BASE = 0xC0000000  # mm::kUserSpaceEnd: user PDEs are 0..767
USER_PDES = KERNEL_BASE >> 22
PAGE = 4096

# api/thread_id.h: global id = number (bits 31..14) | version (bits 13..0);
# a zero in the low six bits makes it a local id (a UTCB address).
VERSION_BITS = 14
LOCAL_ID_ZERO_BITS = 6

# arch/ia32/mm/page_table.h: the PTE bits the mappings listing decodes.
PTE_PRESENT = 1 << 0
PTE_WRITABLE = 1 << 1
PTE_FRAME = 0xFFFFF000

SCHEDULER_SYMBOL = "thread::detail::g_cpus"
POOLS_SYMBOL = "kmem::(anonymous namespace)::g_pools"


# ---- reading the kernel -------------------------------------------------------


def read_bytes(address, length):
    return bytes(gdb.selected_inferior().read_memory(address, length))


def read_words(address, count):
    return struct.unpack("<%dI" % count, read_bytes(address, 4 * count))


def typed(address, type_name):
    """The object of C++ type `type_name` at `address`, as a gdb.Value."""
    return gdb.Value(address).cast(gdb.lookup_type(type_name).pointer()).dereference()


def static_variable(name):
    """A kernel variable by its qualified name, also one in an anonymous
    namespace (which gdb.parse_and_eval cannot name)."""
    symbol = gdb.lookup_static_symbol(name) or gdb.lookup_global_symbol(name)
    if symbol is None:
        raise gdb.GdbError("no symbol %s: is build/debug/kernel.elf loaded?" % name)
    return symbol.value()


def field_location(type_name, path):
    """(offsetof, sizeof) of member `path` (dotted: a.b.c) of `type_name`."""
    value_type = gdb.lookup_type(type_name)
    offset = 0
    for name in path.split("."):
        field = next((f for f in value_type.fields() if f.name == name), None)
        if field is None:
            raise gdb.GdbError("%s has no member %s" % (value_type, name))
        offset += field.bitpos // 8
        value_type = field.type.strip_typedefs()
    return offset, value_type.sizeof


def enum_name(value):
    """`thread::State::Ready` -> `Ready`."""
    return str(value).rsplit("::", 1)[-1]


def parse_number(argument, what):
    if not argument.strip():
        return None
    try:
        return int(gdb.parse_and_eval(argument))
    except gdb.error as error:
        raise gdb.GdbError("%s: %s" % (what, error))


def selected_cpu():
    """The CPU of GDB's selected thread: QEMU names CPU n thread 1.(n+1)."""
    thread = gdb.selected_thread()
    if thread is None:
        raise gdb.GdbError("no CPU selected: is GDB connected to make qemu-gdb?")
    return thread.ptid[1] - 1


# ---- thread ids -----------------------------------------------------------------


def thread_id(raw):
    """An L4 thread id as students see it: number.version in hex (0x20.1)."""
    if raw == 0:
        return "nil"
    if raw == 0xFFFFFFFF:
        return "any"
    if raw == 0xFFFFFFC0:
        return "anylocal"
    if raw & ((1 << LOCAL_ID_ZERO_BITS) - 1) == 0:
        return "local:%#x" % raw
    return "%#x.%x" % (raw >> VERSION_BITS, raw & ((1 << VERSION_BITS) - 1))


def tcb_address(value):
    """A thread number (< 4096), a TCB address, or a global id -> TCB address."""
    if value < MAX_THREADS:
        return TCB_ARRAY_BASE + value * TCB_SIZE
    if value >= KERNEL_BASE:
        return value & ~(TCB_SIZE - 1)
    number = value >> VERSION_BITS
    if number >= MAX_THREADS:
        raise gdb.GdbError("%#x is neither a thread number, a TCB address nor a global id" % value)
    return TCB_ARRAY_BASE + number * TCB_SIZE


class ThreadSlot:
    """The few fields of one TCB that the overviews print."""

    def __init__(self, address, values):
        self.address = address
        self.number = (address - TCB_ARRAY_BASE) // TCB_SIZE
        self.raw_id, self.cpu, self.state, self.is_idle, self.space = values


class ThreadTable:
    """Reads the fields of ThreadSlot from TCBs, in one small read per TCB."""

    FIELDS = ("m_global_id.m_raw", "m_cpu", "m_state", "m_is_idle", "m_space")
    UNSIGNED = {1: "B", 2: "H", 4: "I", 8: "Q"}

    def __init__(self):
        locations = [field_location("thread::Tcb", name) for name in self.FIELDS]
        self.span = max(offset + size for offset, size in locations)
        self.fields = [(offset, struct.Struct("<" + self.UNSIGNED[size])) for offset, size in locations]
        self.states = {int(field.enumval): field.name.rsplit("::", 1)[-1]
                       for field in gdb.lookup_type("thread::State").fields()}

    def read(self, address):
        data = read_bytes(address, self.span)
        return ThreadSlot(address, [decode.unpack_from(data, offset)[0] for offset, decode in self.fields])

    def threads(self):
        """Every slot of the TCB array that holds a thread (or one being deleted)."""
        try:
            slots = [self.read(TCB_ARRAY_BASE + n * TCB_SIZE) for n in range(MAX_THREADS)]
        except gdb.MemoryError:
            raise gdb.GdbError("cannot read the TCB array at %#x: not set up yet this early in boot" %
                               TCB_ARRAY_BASE)
        return [slot for slot in slots if slot.state != 0 or slot.raw_id != 0]

    def state_name(self, state):
        return self.states.get(state, "?%d" % state)


def space_owners(threads):
    """Space address -> the id of its lowest-numbered thread, to name spaces by."""
    owners = {}
    for slot in threads:
        if slot.space and slot.space not in owners:
            owners[slot.space] = thread_id(slot.raw_id)
    return owners


def space_label(space, owners):
    if space == 0:
        return "-"
    owner = owners.get(space)
    return "%#x (%s)" % (space, owner) if owner else "%#x" % space


# ---- per-CPU scheduler state ----------------------------------------------------


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


def describe_tcb(address, table):
    slot = table.read(address)
    if slot.is_idle:
        return "idle %#x" % address
    return "%s %s" % (thread_id(slot.raw_id), table.state_name(slot.state))


# ---- the commands -----------------------------------------------------------------


class ProximaCommand(gdb.Command):
    """A command that turns unreadable kernel memory into one line, not a traceback."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        try:
            self.run(argument)
        except gdb.MemoryError as error:
            raise gdb.GdbError("%s (is the kernel far enough in its boot? a wrong address?)" % error)


class ProximaThreads(ProximaCommand):
    """List every thread of the TCB array, then each CPU's idle thread.

Usage: proxima-threads

Columns: thread number (hex), global id as number.version (hex), state, the
CPU the thread belongs to, priority, its address space (with the id of the
space's lowest-numbered thread), and for a blocked thread its IPC partner
(to: the receiver it sends to; from: whom it waits for). `*` marks a thread
that is running on its CPU right now; `zombie` a deleted thread whose TCB is
not freed yet."""

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
        print("  saved kernel esp %#x, stack canary %s" % (
            int(tcb["m_kernel_esp"]), "intact" if canary_ok else "OVERWRITTEN (%#x)" % canary))

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
        print("    esi %08x  edi %08x  ebp %08x  ds %04x  es %04x  fs %04x  gs %04x" % (
            reg["esi"], reg["edi"], reg["ebp"], reg["ds"], reg["es"], reg["fs"], reg["gs"]))


def pool_translation():
    """A function mapping a physical address in a kmem pool to its kernel address."""
    slots = static_variable(POOLS_SYMBOL)["m_slots"]
    first, last = slots.type.range()
    pools = []
    for node in range(first, last + 1):
        pool = slots[node]["value"]
        size = int(pool["m_size"])
        if size:
            pools.append((int(pool["m_phys_base"]), int(pool["m_virt_base"]), size))

    def to_virt(phys):
        for phys_base, virt_base, size in pools:
            if phys_base <= phys < phys_base + size:
                return virt_base + (phys - phys_base)
        raise gdb.GdbError("page table at physical %#x is in no kmem pool" % phys)

    return to_virt


def describe_fpage(raw):
    """An X.2 fpage (api/fpage.h): base bits 31..10, log2 size bits 9..4."""
    if raw == 0:
        return "nil"
    log2 = (raw >> 4) & 0x3F
    if log2 == 1 and raw >> 10 == 0:
        return "complete address space"
    base = (raw & ~0x3FF) & ~((1 << log2) - 1) & 0xFFFFFFFF
    return "[%#x, %#x) (fpage %#x)" % (base, base + (1 << log2), raw)


class MappingRun:
    """Contiguous pages mapped to contiguous frames with the same rights and origin."""

    def __init__(self, vaddr, phys, rights, origin):
        self.vaddr, self.phys, self.rights, self.origin = vaddr, phys, rights, origin
        self.pages = 1

    def extends(self, vaddr, phys, rights, origin):
        size = self.pages * PAGE
        return (vaddr == self.vaddr + size and phys == self.phys + size and rights == self.rights
                and origin == self.origin)

    def __str__(self):
        end = self.vaddr + self.pages * PAGE - 1
        return "  %08x-%08x -> %08x  %-3s %6d KiB  %s" % (self.vaddr, end, self.phys, self.rights,
                                                          self.pages * PAGE // 1024, self.origin)


class MappingOrigins:
    """Where the mapping behind a PTE came from, read once per MappingNode."""

    def __init__(self, owners):
        self.owners = owners
        self.parent_offset = field_location("mm::MappingNode", "m_parent")[0]
        self.space_offset = field_location("mm::MappingNode", "m_space")[0]
        self.known = {0: "kernel"}  # no MappingNode: the kernel's own KIP and UTCB pages

    def __call__(self, node):
        if node not in self.known:
            parent = read_words(node + self.parent_offset, 1)[0]
            if parent == 0:
                self.known[node] = "root"
            else:
                parent_space = read_words(parent + self.space_offset, 1)[0]
                self.known[node] = "from " + space_label(parent_space, self.owners)
        return self.known[node]


def mapping_runs(directory, owners):
    """(pages mapped, [MappingRun]) of the user half of page directory `directory`."""
    to_virt = pool_translation()
    origin_of = MappingOrigins(owners)
    runs = []
    pages = 0
    for index, pde in enumerate(read_words(directory, USER_PDES)):
        if not pde & PTE_PRESENT:
            continue
        words = read_words(to_virt(pde & PTE_FRAME), 2 * 1024)  # PTEs, then their MappingNode pointers
        for slot in range(1024):
            pte = words[slot]
            if not pte & PTE_PRESENT:
                continue
            pages += 1
            vaddr = (index << 22) | (slot << 12)
            phys = pte & PTE_FRAME
            rights = "rw" if pte & PTE_WRITABLE else "r"
            origin = origin_of(words[1024 + slot])
            if runs and runs[-1].extends(vaddr, phys, rights, origin):
                runs[-1].pages += 1
            else:
                runs.append(MappingRun(vaddr, phys, rights, origin))
    return pages, runs


class ProximaSpace(ProximaCommand):
    """Print an address space: home node, X.2 areas, and its user mappings.

Usage: proxima-space [SPACE]
SPACE is the address of an mm::Space, or a thread whose space to print:
a thread number, a global id, or an address in the TCB array. Without it:
the space of the thread running on the selected CPU.

The mappings come from walking the 768 user entries of the master page
directory and every present page table. Pages are merged into runs
(virtual range -> first physical address) while both addresses stay
contiguous and the rights and origin stay the same. Rights are what the
PTE allows: r, or rw (IA32 without PAE cannot forbid execution). The
origin is the space the mapping was derived from (its MappingNode's
parent), `root` for a mapping without parent (sigma0's), `kernel` for
pages the kernel put there itself (the KIP and UTCB pages)."""

    def __init__(self):
        super().__init__("proxima-space")

    def run(self, argument):
        value = parse_number(argument, "proxima-space")
        if value is None or value < KERNEL_BASE or value >= TCB_ARRAY_BASE:
            tcb = current_tcb() if value is None else tcb_address(value)
            space = int(typed(tcb, "thread::Tcb")["m_space"])
            if space == 0:
                raise gdb.GdbError("thread at TCB %#x has no address space (idle or not set up)" % tcb)
        else:
            space = value
        owners = space_owners(ThreadTable().threads())
        self.print_space(space, owners)

    def print_space(self, space_address, owners):
        space = typed(space_address, "mm::Space")
        home = int(space["m_home_node"])
        threads = int(space["m_threads"])
        privileged = ", privileged" if int(space["m_privileged"]) else ""
        print("space %s: home node %d, %d thread%s%s" % (space_label(space_address, owners), home, threads,
                                                         "" if threads == 1 else "s", privileged))
        print("  KIP area  %s" % describe_fpage(int(space["m_kip_area"]["m_raw"])))
        print("  UTCB area %s" % describe_fpage(int(space["m_utcb_area"]["m_raw"])))
        directory = int(space["m_directory"])
        if directory == 0:
            print("  no page directory")
            return
        pages, runs = mapping_runs(directory, owners)
        print("  %d pages mapped in %d runs:" % (pages, len(runs)))
        print("  %-17s    %-8s  %-3s %10s  %s" % ("virtual", "physical", "", "size", "origin"))
        for run in runs:
            print(run)


class ProximaRunqueues(ProximaCommand):
    """Print each CPU's scheduler: current thread, idle thread, run queue, timeouts.

Usage: proxima-runqueues

The running thread is not in its CPU's run queue (thread/run_queue.h);
the queue is listed from the highest priority down, each priority in the
order its threads will get their turn. `timeouts` are the threads of that
CPU blocked with a deadline (clock in microseconds since boot)."""

    def __init__(self):
        super().__init__("proxima-runqueues")

    def run(self, argument):
        table = ThreadTable()
        for cpu, scheduler in cpu_schedulers():
            queue = scheduler["queue"]
            flags = [name for name in ("running", "need_resched", "slice_expired") if int(scheduler[name])]
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


ProximaThreads()
ProximaTcb()
ProximaSpace()
ProximaRunqueues()
