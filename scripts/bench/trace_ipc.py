#!/usr/bin/env python3
"""trace_ipc.py: where an IPC's guest instructions go, one instruction at a time.

`make trace-ipc` (mk/bench.mk) runs it. It boots the kernel with sigma0 and
userland/ipcbench under QEMU (`-icount shift=0`, stopped, GDB stub on a free
port), lets GDB run to the SKIP+1-th time a CPU reaches SYMBOL (or, with
--first, FIRST, and then to the next SYMBOL), and then steps that CPU one instruction at a time until it reaches SYMBOL again: one stretch.
The other CPUs run on meanwhile (GDB's scheduler-locking off), so a stretch that
waits for another CPU (an IPC to it) still ends. With --cpus 2 it then waits for
another CPU to reach SYMBOL and traces a stretch there too.

For each stretch it prints the instructions by function (kernel symbols; user
mode is one line), and the sequence in which the functions ran. The defaults
trace one fast-path IPC between two spaces: ipcbench with rounds=100 batches=1
measures same_cpu_same_space (0, 2, 8, 63 words) and then same_cpu_cross_space,
each measurement about 400 passes through ipc_fast_switched (the fast path's
switch), so the 1800th falls in same_cpu_cross_space with 0 words. For the
cross-CPU protocol: --first ipc::post --skip 300 --symbol sysenter_entry --cpus 2
(only an IPC to another CPU posts a request; docs/benchmarks.md, "The IPC
fast path", has both).

It is a measuring tool, not a test: stepping through GDB takes a few minutes.
"""
import argparse
import os
import shlex
import socket
import subprocess
import sys
import tempfile

# Runs inside GDB (gdb -batch -x): reads its settings from the environment.
GDB_SCRIPT = r'''
import collections, os, gdb
symbol, skip, cpus = os.environ["TRACE_SYMBOL"], int(os.environ["TRACE_SKIP"]), int(os.environ["TRACE_CPUS"])
listing = os.environ["TRACE_LISTING"] == "1"
first = os.environ["TRACE_FIRST"] or symbol
out = open(os.environ["TRACE_OUT"], "w")
gdb.execute("set pagination off")
gdb.execute("target remote :" + os.environ["TRACE_PORT"])
gdb.execute("set scheduler-locking off")
start = gdb.Breakpoint(first)
start.ignore_count = skip

def name_of(pc):
    if pc < 0xC0000000:
        return "(user mode)"
    try:
        return gdb.execute("info symbol %d" % pc, to_string=True).split(" in section")[0].split(" + ")[0].strip()
    except gdb.error:
        return "?"

def stretch(label):
    cpu = gdb.selected_thread().num
    start = int(gdb.parse_and_eval("$pc"))
    counts, sequence, lines, n = collections.Counter(), [], [], 0
    while n < 100000:
        gdb.execute("stepi", to_string=True)
        if gdb.selected_thread().num != cpu:
            gdb.execute("thread %d" % cpu, to_string=True)
        n += 1
        pc = int(gdb.parse_and_eval("$pc"))
        if pc == start:
            break
        name = name_of(pc)
        counts[name] += 1
        if listing:
            lines.append(gdb.execute("x/i $pc", to_string=True).strip().lstrip("=> "))
        if sequence and sequence[-1][0] == name:
            sequence[-1][1] += 1
        else:
            sequence.append([name, 1])
    out.write("stretch %s: CPU %d, %d instructions from %s to %s again\n" % (label, cpu - 1, n, symbol, symbol))
    for name, count in counts.most_common():
        out.write("  %6d  %s\n" % (count, name))
    out.write("  in order:\n")
    for name, count in sequence:
        out.write("    %5d  %s\n" % (count, name))
    if listing:
        out.write("  every instruction:\n")
        out.writelines("    %s\n" % line for line in lines)
    out.flush()
    return cpu

gdb.execute("continue")
start.enabled = False
if first != symbol:
    stop = gdb.Breakpoint(symbol)
    gdb.execute("continue")
else:
    stop = start
stop.enabled = False
traced = [stretch("1")]
while len(traced) < cpus:
    stop.enabled = True
    stop.ignore_count = 0
    gdb.execute("continue")
    while gdb.selected_thread().num in traced:
        gdb.execute("continue")
    stop.enabled = False
    traced.append(stretch(str(len(traced) + 1)))
out.close()
gdb.execute("kill")
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--symbol", default="ipc_fast_switched", help="where a stretch starts and ends")
    parser.add_argument("--first", default="", help="count passes here instead (default: SYMBOL), then go to SYMBOL")
    parser.add_argument("--skip", type=int, default=1800, help="passes through FIRST (or SYMBOL) to let go")
    parser.add_argument("--cpus", type=int, default=1, help="stretches to trace, each on another CPU")
    parser.add_argument("--listing", action="store_true", help="also print every instruction stepped, in order")
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--gdb", default="gdb")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("qemu", nargs=argparse.REMAINDER, help="-- and the QEMU command (without -S and -gdb)")
    args = parser.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not qemu:
        parser.error("give the QEMU command after --")
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "trace.py")
        result = os.path.join(tmp, "trace.txt")
        with open(script, "w") as f:
            f.write(GDB_SCRIPT)
        machine = subprocess.Popen(qemu + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port, "-serial", "null"],
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        env = dict(os.environ, TRACE_SYMBOL=args.symbol, TRACE_SKIP=str(args.skip), TRACE_CPUS=str(args.cpus), TRACE_FIRST=args.first,
                   TRACE_LISTING="1" if args.listing else "0",
                   TRACE_OUT=result, TRACE_PORT=str(port))
        try:
            debugger = subprocess.run([args.gdb, "-q", "-batch", "-nx", "-x", script, args.kernel], env=env,
                                      stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      timeout=args.timeout)
        except subprocess.TimeoutExpired:
            debugger = None
        finally:
            machine.kill()
            machine.wait()
        text = open(result).read() if os.path.exists(result) else ""
    if not text.startswith("stretch"):
        print("trace-ipc: no stretch traced; QEMU: %s" % " ".join(shlex.quote(a) for a in qemu), file=sys.stderr)
        if debugger is None:
            print("trace-ipc: GDB did not finish within %.0f s" % args.timeout, file=sys.stderr)
        else:
            print(debugger.stdout[-2000:] + debugger.stderr[-2000:], file=sys.stderr)
        return 1
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
