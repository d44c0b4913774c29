# proxima.py: loads the Proxima GDB commands, which print the kernel's
# threads, address spaces, run queues and NUMA memory, for debugging with
# `make qemu-gdb` and `make gdb`.
#
# The gdbinit that `make gdb` writes sources this file (mk/gdb.mk), so these
# commands are there whenever the kernel is stopped:
#
#   proxima-threads             every thread in the TCB array, and the idle threads
#   proxima-tcb [N|ADDR]        one TCB: state, IPC, send queue, user registers
#   proxima-space [ADDR|N]      one address space: areas and user mappings
#   proxima-runqueues           per CPU: current, idle, queued threads, timeouts
#   proxima-numa                NUMA nodes, CPUs, memory, distances; kmem pools
#
# `help proxima-tcb` (and so on) explains each. They only read memory, so
# they work with the machine stopped anywhere, also in user mode: the kernel's
# half of the address space is mapped in every page directory.
#
# One module a responsibility, beside this file, each importing only the
# ones listed before it:
#   proxima_kernel.py     reading kernel memory, types and variables; thread
#                         ids; the commands' base class
#   proxima_tcb_array.py  the threads of the TCB array, names for threads and spaces
#   proxima_sched.py      per-CPU scheduler state; proxima-runqueues
#   proxima_numa.py       topology and kmem pools; proxima-numa
#   proxima_threads.py    proxima-threads, proxima-tcb
#   proxima_spaces.py     proxima-space
# A command module registers its commands when it is loaded. Sourcing this
# file again reloads every module, so edits to them take effect in a running GDB.

import importlib
import os
import sys

MODULES = ("proxima_kernel", "proxima_tcb_array", "proxima_sched", "proxima_numa", "proxima_threads",
           "proxima_spaces")

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

for name in MODULES:
    if name in sys.modules:
        importlib.reload(sys.modules[name])
    else:
        importlib.import_module(name)
