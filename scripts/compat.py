#!/usr/bin/env python3
"""compat.py: runs L4Ka::Pistachio's pingpong benchmark, an X.2 program built from
Pistachio's own sources (../shared/oracles/README.md), on this kernel: every benchmark
mode must print its result lines and return to the menu; a table compares the cycles
per one-way IPC with Pistachio's own kernel.

pingpong is the root task (module 1 after the kit's sigma0). It talks over COM1, which
QEMU connects to this script's pipes (-serial stdio): it prints a menu, reads one key
(1 inter-AS, 2 intra-AS, 3 intra-AS LIPC, 4 XCPU, 5 inter-AS small spaces), prints one
line per message-register count,

    IPC ( 8 MRs): 1259.94 cycles, 1.25us, 0.00 instrs

(already divided by the 2000 IPCs of 1000 round trips: one-way), then "What now?",
where `q` brings the menu back. It never exits. One boot per machine and clock:

  (1) boot sigma0 and pingpong; wait for the whole menu (its last line, MENU_END);
  (2) per mode: type its key; wait for "What now?", keeping the result lines;
  (3) type q; wait for the menu again;
  (4) a hang (no new output for --hang-seconds: progress, never a wall-clock limit,
      since QEMU emulates and the host may be loaded) or QEMU's exit ends the boot;
      the mode is marked and the next mode gets a fresh boot (a boot that never
      showed the menu marks every mode left);
  (5) after the last mode QEMU's process group is killed.

Modes 1 to 4 must pass; mode 5 is run and reported but not counted (the kernel has no
small spaces: pingpong ignores SpaceControl's error and measures inter-AS IPC).
Exit status 0 when every counted mode passed, 1 otherwise, 2 for a usage error.
`make compat` and `make compat-test` run it (mk/compat.mk, docs/benchmarks.md);
tests/grader/test_compat.py tests it with a fake pingpong.
"""
import argparse
import codecs
import csv
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DEFAULT_ORACLE = "../shared/oracles/pistachio-pingpong.elf"  # relative to the repository

MODES = {1: "inter-AS", 2: "intra-AS", 3: "intra-AS LIPC", 4: "XCPU", 5: "small spaces"}
COUNTED_MODES = (1, 2, 3, 4)
# Pistachio's own IA-32 kernel under QEMU -icount shift=0, uniprocessor
# (../shared/oracles/README.md): one-way cycles by message-register count.
PISTACHIO = {1: {0: 100.9, 8: 116.0, 63: 170.9}, 2: {0: 99.8, 8: 114.8, 63: 169.8}}

MENU_END = "s: print SQLite table"  # the menu's last line
WHAT_NOW = "What now?"
SERIAL = ["-serial", "stdio", "-monitor", "none"]  # COM1 on the pipes; no monitor
RESULT_LINE = re.compile(r"IPC \(\s*(\d+) MRs\):\s*([0-9.]+) cycles,\s*([0-9.]+)us")

# How a wait for a marker in the serial output ended.
FOUND, HANG, EXITED = "found", "hang", "exited"

# A mode's status: ok, or what went wrong.
OK = "ok"
STATUS_TEXT = {
    "hang": "hung: no serial output for {hang:g} s while it ran",
    "no-result": "returned to \"What now?\" without a result line",
    "no-menu": "did not return to the menu after q (no output for {hang:g} s)",
    "exited": "QEMU exited while it ran (status {exit})",
    "no-boot": "pingpong's menu never appeared (no output for {hang:g} s or QEMU exited)",
}


def parse_results(text):
    """{message registers: (cycles, microseconds)} from pingpong's result lines."""
    return {int(m.group(1)): (float(m.group(2)), float(m.group(3))) for m in RESULT_LINE.finditer(text)}


def mode_status(output, ran, menu_back):
    """A mode's status from its serial output (since its key), how the wait for
    "What now?" ended (`ran`) and how the wait for the menu after q ended (`menu_back`,
    None when q was not typed)."""
    if ran == HANG:
        return "hang"
    if ran == EXITED:
        return "exited"
    if not parse_results(output):
        return "no-result"
    if menu_back != FOUND:
        return "exited" if menu_back == EXITED else "no-menu"
    return OK


@dataclass
class ModeRun:
    mode: int
    topo: str
    clock: str  # "icount" or "tsc"
    status: str = OK
    results: dict = field(default_factory=dict)
    tail: list = field(default_factory=list)  # the serial output's last lines, on failure
    command: list = field(default_factory=list)  # the QEMU command of its boot, without SERIAL
    log: str = ""  # its boot's serial log
    exit_status: object = None  # QEMU's, when it exited by itself


class Console:
    """QEMU with COM1 on pipes: keys in, output out (non-blocking reads).

    QEMU runs in a session of its own and is killed as a process group. Its exit is
    noticed by the end of its output, never by poll(): an unreaped QEMU keeps its
    process group id, so the kill cannot reach an unrelated process."""

    def __init__(self, command, log_path):
        self.log = open(log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""  # all output so far, without carriage returns
        self.closed = False

    def send(self, key):
        try:
            self.proc.stdin.write(key.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.closed = True

    def wait_for(self, marker, start, hang_seconds):
        """Reads until `marker` appears after offset `start` of the output (FOUND),
        nothing new came for `hang_seconds` (HANG) or QEMU closed its output (EXITED)."""
        last_progress = time.monotonic()
        while True:
            if self.text.find(marker, start) >= 0:
                return FOUND
            if self.closed:
                return EXITED
            idle = time.monotonic() - last_progress
            if idle >= hang_seconds:
                return HANG
            ready, _, _ = select.select([self.fd], [], [], min(1.0, hang_seconds - idle))
            if not ready:
                continue
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                continue
            if not data:
                self.closed = True
                continue
            chunk = self.decoder.decode(data).replace("\r", "")
            self.text += chunk
            self.log.write(chunk)
            self.log.flush()
            last_progress = time.monotonic()

    def stop(self):
        """Kills QEMU's process group; QEMU's exit status (negative: killed)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        status = self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except BrokenPipeError:
                pass
        self.log.close()
        return status


def tail(text, lines=20):
    return text.rstrip("\n").split("\n")[-lines:]


def run_boot(command, modes, topo, clock, hang_seconds, log_path):
    """Boots once and runs `modes` in order until one fails; the ModeRuns of the modes
    it got to (the failed one last), or of them all when the menu never appeared."""
    console = Console(command + SERIAL, log_path)
    runs = []
    try:
        if console.wait_for(MENU_END, 0, hang_seconds) != FOUND:
            runs = [ModeRun(mode, topo, clock, "no-boot") for mode in modes]
        else:
            for mode in modes:
                start = len(console.text)
                console.send(str(mode))
                ran = console.wait_for(WHAT_NOW, start, hang_seconds)
                menu_back = None
                if ran == FOUND:
                    after = len(console.text)
                    console.send("q")
                    menu_back = console.wait_for(MENU_END, after, hang_seconds)
                output = console.text[start:]
                runs.append(ModeRun(mode, topo, clock, mode_status(output, ran, menu_back), parse_results(output)))
                if runs[-1].status != OK:
                    break
    finally:
        status = console.stop()
    for run in runs:
        run.command, run.log = command, log_path
        if run.status != OK:
            run.tail, run.exit_status = tail(console.text), status if console.closed else None
    return runs


def run_machine(command, modes, topo, clock, hang_seconds, log_dir):
    """Every mode on one machine and clock: a fresh boot after a failed mode."""
    runs = []
    left = list(modes)
    while left:
        log_path = os.path.join(log_dir, f"{topo}-{clock}-{len(modes) - len(left) + 1}.log")
        done = run_boot(command, left, topo, clock, hang_seconds, log_path)
        runs += done
        if done[-1].status == "no-boot":
            break
        left = left[len(done):]
    return runs


def preset_options(topologies, name):
    """The QEMU options of preset `name` in config/topologies.conf."""
    with open(topologies, encoding="utf-8") as conf:
        for line in conf:
            key, sep, value = line.partition("=")
            if sep and not line.lstrip().startswith("#") and key.strip() == name:
                return value.split("#")[0].split()
    print(f"compat: no preset {name} in {topologies}", file=sys.stderr)
    raise SystemExit(2)


def qemu_command(args, topo, icount):
    return (shlex.split(args.qemu) + ["-kernel", args.kernel, "-append", args.kargs,
                                      "-initrd", f"{args.sigma0},{args.pingpong}"]
            + preset_options(args.topologies, topo)
            + ["-no-reboot", "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
            + (["-icount", "shift=0"] if icount else []))


def cell(runs, mode, topo, clock, mrs):
    """A table cell: the cycles, or why there are none (a failed mode's partial lines
    are in the CSV, not in the table)."""
    for run in runs:
        if (run.mode, run.topo, run.clock) == (mode, topo, clock):
            if run.status != OK:
                return run.status
            return f"{run.results[mrs][0]:.1f}" if mrs in run.results else "-"
    return ""


def print_table(runs, table_mrs):
    """One row per mode and message-register count, one column per machine and clock."""
    columns = list(dict.fromkeys((run.topo, run.clock) for run in runs))
    print("\ncompat: Pistachio's pingpong on this kernel, cycles per one-way IPC"
          " (icount: guest instructions, -icount shift=0; tsc: QEMU's emulated TSC, host time)")
    print(f"{'mode':<18}{'MRs':>4}" + "".join(f"{topo + ' ' + clock:>14}" for topo, clock in columns)
          + f"{'Pistachio':>11}")
    for mode in sorted({run.mode for run in runs}):
        every = sorted({mrs for run in runs if run.mode == mode and run.status == OK for mrs in run.results})
        for i, mrs in enumerate(table_mrs if table_mrs is not None else every or [0]):
            label = f"{mode} {MODES[mode]}" if i == 0 else ""
            row = f"{label:<18}{mrs:>4}" + "".join(f"{cell(runs, mode, t, c, mrs):>14}" for t, c in columns)
            reference = PISTACHIO.get(mode, {}).get(mrs)
            print(row + (f"{reference:>11}" if reference is not None else ""))
    print("Pistachio: its own IA-32 kernel, uniprocessor, icount (../shared/oracles/README.md);"
          " mode 5 is not counted (no small spaces)")


def write_csv(path, runs):
    fields = ["mode", "mode_name", "topo", "clock", "mrs", "cycles", "usec", "status", "pistachio"]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for run in runs:
            base = {"mode": run.mode, "mode_name": MODES[run.mode], "topo": run.topo, "clock": run.clock,
                    "status": run.status}
            if not run.results:
                writer.writerow(base)
            for mrs, (cycles, usec) in sorted(run.results.items()):
                writer.writerow(dict(base, mrs=mrs, cycles=cycles, usec=usec,
                                     pistachio=PISTACHIO.get(run.mode, {}).get(mrs, "")))


def report_failures(runs, hang_seconds):
    """Prints each failed mode, then once per failed boot its serial output's tail and
    the command to rerun it by hand; the number of failed counted modes."""
    boots = {}
    for run in runs:
        if run.status != OK:
            boots.setdefault(run.log, []).append(run)
    for failed in boots.values():
        for run in failed:
            note = "" if run.mode in COUNTED_MODES else " (mode 5: not counted)"
            what = STATUS_TEXT[run.status].format(hang=hang_seconds, exit=run.exit_status)
            print(f"compat: mode {run.mode} ({MODES[run.mode]}) on {run.topo}, {run.clock}: {what}{note}")
        print(f"  serial output ({failed[0].log}), last lines:")
        for line in failed[0].tail:
            print(f"  | {line}")
        keys = ", ".join(str(run.mode) for run in failed)
        print(f"  rerun by hand (type {keys}; q at \"What now?\" brings the menu back; Ctrl-A x quits QEMU):")
        print(f"  {shlex.join(failed[0].command + ['-serial', 'mon:stdio'])}")
    return sum(run.mode in COUNTED_MODES for failed in boots.values() for run in failed)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", help="a build directory: its release/kernel.elf and release/userland/sigma0.elf")
    parser.add_argument("--kernel", help="the kernel (default: from --build, else build/release)")
    parser.add_argument("--sigma0", help="sigma0 (default: from --build, else build/release)")
    parser.add_argument("--pingpong", help=f"pingpong's ELF file (default {DEFAULT_ORACLE}; skipped when missing)")
    parser.add_argument("--topo", default="uma,2x2", help="comma-separated presets (default uma,2x2)")
    parser.add_argument("--icount", default="both", choices=["0", "1", "both"],
                        help="1: -icount shift=0 (cycles = guest instructions), 0: without, both (default)")
    parser.add_argument("--modes", default="1,2,3,4,5", help="pingpong's modes to run (default 1,2,3,4,5)")
    parser.add_argument("--hang-seconds", type=float, default=60,
                        help="seconds without new serial output that make a mode a hang (default 60)")
    parser.add_argument("--table-mrs", default="0,8,63", help="message-register counts in the table, or all")
    parser.add_argument("--csv", default="build/compat/compat.csv", help="where the results go")
    parser.add_argument("--log-dir", help="the serial logs (default: beside the CSV, in logs/)")
    parser.add_argument("--topologies", default=os.path.join(REPO, "config", "topologies.conf"))
    parser.add_argument("--qemu", default="qemu-system-i386", help="the QEMU program")
    parser.add_argument("--kargs", default="", help="the kernel command line")
    args = parser.parse_args(argv)

    if args.pingpong is None:
        args.pingpong = os.path.normpath(os.path.join(REPO, DEFAULT_ORACLE))
        if not os.path.isfile(args.pingpong):
            print(f"compat: skipped: no oracle ({DEFAULT_ORACLE})")
            return 0
    build = os.path.join(args.build or os.path.join(REPO, "build"), "release")
    args.kernel = args.kernel or os.path.join(build, "kernel.elf")
    args.sigma0 = args.sigma0 or os.path.join(build, "userland", "sigma0.elf")
    for name in ("pingpong", "kernel", "sigma0"):
        if not os.path.isfile(getattr(args, name)):
            print(f"compat: no {name} file {getattr(args, name)}", file=sys.stderr)
            return 2
    try:
        modes = [int(m) for m in args.modes.split(",")]
        table_mrs = None if args.table_mrs == "all" else [int(m) for m in args.table_mrs.split(",")]
    except ValueError:
        parser.error("--modes and --table-mrs take comma-separated numbers")
    if any(m not in MODES for m in modes) or args.hang_seconds <= 0:
        parser.error("modes are 1 to 5; --hang-seconds must be positive")
    log_dir = args.log_dir or os.path.join(os.path.dirname(os.path.abspath(args.csv)), "logs")
    os.makedirs(log_dir, exist_ok=True)

    machines = [(topo, "icount" if icount else "tsc", qemu_command(args, topo, icount))
                for icount in {"0": [False], "1": [True], "both": [True, False]}[args.icount]
                for topo in args.topo.split(",")]  # every preset looked up before the first boot
    runs = []
    for topo, clock, command in machines:
        print(f"compat: {topo}, {clock}: modes {','.join(map(str, modes))} "
              f"(hang: {args.hang_seconds:g} s without output)", flush=True)
        machine_runs = run_machine(command, modes, topo, clock, args.hang_seconds, log_dir)
        for run in machine_runs:
            print(f"  mode {run.mode} ({MODES[run.mode]}): {run.status}, {len(run.results)} result lines",
                  flush=True)
        runs += machine_runs

    write_csv(args.csv, runs)
    print_table(runs, table_mrs)
    failed = report_failures(runs, args.hang_seconds)
    print(f"compat: {'FAILED' if failed else 'passed'}: {failed} of "
          f"{sum(run.mode in COUNTED_MODES for run in runs)} counted mode runs failed; "
          f"{args.csv}, serial logs in {log_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
