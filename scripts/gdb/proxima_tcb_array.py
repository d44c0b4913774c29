# proxima_tcb_array.py: the threads of the TCB array as the Proxima GDB
# commands list them: a few fields of every TCB, and names for threads and
# for the address spaces they run in.
#
# Scanning the 4096 TCB slots (thread/tcb_array.h) reads the first 16 bytes
# of each, a fraction of a second through QEMU's GDB stub, instead of 16 MiB.

import struct

import gdb

from proxima_kernel import (MAX_THREADS, TCB_ARRAY_BASE, TCB_SIZE, field_location, read_bytes,
                            thread_id)


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


def describe_tcb(address, table):
    """A thread in a list: its id and state, or `idle` and its TCB."""
    slot = table.read(address)
    if slot.is_idle:
        return "idle %#x" % address
    return "%s %s" % (thread_id(slot.raw_id), table.state_name(slot.state))


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
