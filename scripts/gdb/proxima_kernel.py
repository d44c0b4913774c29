# proxima_kernel.py: reading the stopped kernel for the Proxima GDB commands:
# its memory, its types and variables from the debug information, L4 thread
# ids, and the base class that turns unreadable memory into one line.
#
# Field offsets and sizes come from the kernel's debug information, so the
# commands follow changes to the structures; what the debug information does
# not carry (layout.h's addresses, page-table bits, the thread-id layout) is
# written down below, each beside the header it comes from.
#
# Where the threads are: thread number n's TCB page is at
# TCB_ARRAY_BASE + n * 4 KiB (thread/tcb_array.h); an unused slot maps a zero
# page, so it reads as state Free and id 0. Idle threads have TCBs outside
# the array.

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


# ---- memory, types and variables ---------------------------------------------


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


def array_length(value):
    """The number of elements of the C array `value` (its declared bound)."""
    first, last = value.type.range()
    return last - first + 1


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


# ---- the commands' base class -------------------------------------------------------


class ProximaCommand(gdb.Command):
    """A command that turns unreadable kernel memory into one line, not a traceback."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, argument, from_tty):
        try:
            self.run(argument)
        except gdb.MemoryError as error:
            raise gdb.GdbError("%s (is the kernel far enough in its boot? a wrong address?)" % error)
