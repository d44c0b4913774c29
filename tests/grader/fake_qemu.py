#!/usr/bin/env python3
"""A stand-in for qemu-system-i386 that the grader's self-tests run instead.

It takes QEMU's command line, checks the options the grader must pass, and
prints what a kernel would print on the serial port, following a scenario
chosen by the kernel option `fake=<scenario>` (or $PROXIMA_FAKE_SCENARIO):

  pass          boot, topology block, requested tests pass, exit 33
  fail          the tests named by `fakefail=a,b` (default: the first) fail, exit 35
  liar          a test fails, but the kernel still exits 33
  panic         the test named by `fakepanic=` (default: the first) starts,
                then a PANIC block, exit 37
  panic-silent  the same PANIC block, then silence forever
  user-panic    the test named by `fakepanic=` starts, then a user program's
                `PANIC user: LAB 9: ... is not written yet` line, exit 37
  status-panic  exit 37 without a PANIC line
  triple        a test starts, then exit 0 (CPU reset)
  qemu-error    an error on stderr, exit 1
  signal        QEMU itself crashes (SIGSEGV)
  hang          a test starts, then silence forever; a child process too
                (its pid goes to the file `fakepidfile=`)
  flood         one line every 0.2 s forever
  fastflood     a test starts, then lines as fast as the pipe takes them, forever
  slow          a test starts, then `fakeslow=N` lines (default 5) `fakegap=S`
                seconds apart (default 1), then silence forever
  big           `fakelines=` lines of filler, then pass
  forged        pass, plus a KTEST line with another nonce
  broken        pass, but the kernel's invariant checker reports a violation
  replay        the first test reports PASS without START
  duplicate     the first test reports PASS twice
  unrequested   pass, plus a test nobody asked for
  unfinished    the last test starts but reports nothing; exit 33
  missing       the last test never runs; exit 33
  bad-summary   the summary miscounts
  no-boot       no BOOT line
  crlf          pass, with \\r\\n line ends and lines split across writes
  barrier       wait until `fakebarrier=DIR:N` holds N files, then pass
  exit          pass, but exit with `fakeexit=` instead of 33
With -initrd "file args,file,...", every module file must exist (as QEMU
demands), and the fake prints one `module <n>: <file> <args>` line each, as a
kernel that lists its boot modules would. Like the kernel, it fails user-level
tests (`l4.*`) asked for together with kernel tests, or without modules (no
root task to run them).
`fakelab=N` prints N lab_printf lines (`lab| ...`) right after the last
test's START; the first three read like a PASS of that test, a PANIC and a
BOOT line, which the grader must never take for the kernel's.
`fakepanicvary` makes the PANIC line name the last CPU and an address that
depends on the machine, as a real kernel's would.
`fakecpus=N` makes the BOOT line report N CPUs. `fakeonnodes=N` plays the
scenario only on machines with N NUMA nodes, and `pass` on the others. Like
the kernel, it honours smp=off, numa=off and numa=fake:N in the machine it
reports.

Options may also come from the kernel file: every word in it that starts
with `fake` is read as a kernel option (the command line wins). The fake lab
trees of the lab-grading tests build their "kernel" that way, from the
students' files.
"""

import os
import signal
import subprocess
import sys
import time

REQUIRED = ["-no-reboot", "-serial", "-device", "-kernel", "-append"]
ALL_TESTS = ["alloc", "sched", "ipc"]


SERIAL_LOG = []  # a -chardev stdio,...,logfile=FILE's file: the serial output goes there too


def say(text="", end="\n"):
    sys.stdout.buffer.write((text + end).encode())
    sys.stdout.buffer.flush()
    for path in SERIAL_LOG:
        with open(path, "ab") as log:
            log.write((text + end).encode())


def die(message):
    sys.stderr.write(f"qemu-system-i386: {message}\n")
    sys.exit(1)


def option(argv, flag):
    return argv[argv.index(flag) + 1] if flag in argv[:-1] else None


def machine(argv):
    """(cpus, list of CPU counts per node) from -smp and -numa node,cpus=..."""
    cpus = int((option(argv, "-smp") or "1").split(",")[0].split("=")[-1])
    nodes = []
    for flag, value in zip(argv, argv[1:]):
        if flag == "-numa" and value.startswith("node"):
            fields = dict(f.split("=", 1) for f in value.split(",")[1:] if "=" in f)
            first, _, last = fields.get("cpus", "").partition("-")
            nodes.append(0 if not first else int(last or first) - int(first) + 1)
    return cpus, nodes or [cpus]


def record_like_qemu(argv):
    """-icount rr=record,rrfile=F writes F (here a line at the start and one at
    SIGTERM, not QEMU's log), and a serial chardev with logfile=L copies the
    output to L."""
    icount = option(argv, "-icount") or ""
    fields = dict(f.split("=", 1) for f in icount.split(",") if "=" in f)
    if fields.get("rr") == "record":
        rrfile = fields["rrfile"]
        with open(rrfile, "w") as log:
            log.write("fake QEMU recording\n")

        def finish_log(signum, frame):  # QEMU completes its log when told to stop
            with open(rrfile, "a") as log:
                log.write("ended by SIGTERM\n")
            os._exit(0)
        signal.signal(signal.SIGTERM, finish_log)
    chardev = option(argv, "-chardev") or ""
    fields = dict(f.split("=", 1) for f in chardev.split(",") if "=" in f)
    if chardev.startswith("stdio,") and "logfile" in fields:
        if option(argv, "-serial") != f"chardev:{fields.get('id')}":
            die("fake: the serial port is not the chardev with the log file")
        open(fields["logfile"], "wb").close()
        SERIAL_LOG.append(fields["logfile"])


def main(argv):
    for flag in REQUIRED:
        if flag not in argv:
            die(f"fake: missing {flag}")
    if "isa-debug-exit,iobase=0xf4,iosize=0x04" not in argv:
        die("fake: missing isa-debug-exit device")
    if not os.path.isfile(option(argv, "-kernel")):
        die(f"could not load kernel '{option(argv, '-kernel')}'")
    modules = [m for m in (option(argv, "-initrd") or "").split(",") if m]
    for module in modules:
        if not os.path.isfile(module.split()[0]):
            die(f"could not load initrd '{module.split()[0]}'")
    record_like_qemu(argv)
    words = option(argv, "-append").split()
    with open(option(argv, "-kernel"), "rb") as kernel:
        built_in = [w for w in kernel.read().decode("utf-8", "replace").split()
                    if w.startswith("fake")]
    kargs = dict(w.split("=", 1) if "=" in w else (w, "") for w in built_in + words)
    nonce = kargs.get("nonce", "none")
    scenario = kargs.get("fake") or os.environ.get("PROXIMA_FAKE_SCENARIO", "pass")
    requested = kargs.get("test", "")
    tests = ALL_TESTS if requested == "all" else [t for t in requested.split(",") if t]
    cpus, nodes = machine(argv)
    if "smp" in kargs:  # smp=off: only the boot CPU comes up
        cpus = 1
    numa = kargs.get("numa", "")
    if numa == "off":
        nodes = [cpus]
    elif numa.startswith("fake:"):
        count = int(numa[5:])
        nodes = [cpus // count + (i < cpus % count) for i in range(count)]
    if "fakeonnodes" in kargs and int(kargs["fakeonnodes"]) != len(nodes):
        scenario = "pass"
    end = "\r\n" if scenario == "crlf" else "\n"

    def line(text):
        if scenario == "crlf" and len(text) > 4:
            say(text[:4], end="")
            time.sleep(0.05)
            text = text[4:]
        say(text, end=end)

    if scenario == "qemu-error":
        die("-numa node,nodeid=0,cpus=0-1: invalid option")
    if scenario == "signal":
        os.kill(os.getpid(), signal.SIGSEGV)

    line("Proxima kernel (fake) booting")
    line(f"cmdline: {' '.join(words)}")
    line(f"topology: nodes={len(nodes)} cpus={cpus}")
    for number, module in enumerate(modules):
        line(f"module {number}: {module}")
    for number, count in enumerate(nodes):
        line(f"node {number}: cpus={count}")
    if scenario == "big":
        for number in range(int(kargs.get("fakelines", "1000"))):
            line(f"filler {number:08d} " + "x" * 80)
    if scenario == "barrier":
        directory, _, count = kargs["fakebarrier"].rpartition(":")
        open(os.path.join(directory, nonce), "w").close()
        deadline = time.monotonic() + 60
        while len(os.listdir(directory)) < int(count):
            if time.monotonic() > deadline:
                line("barrier not reached: runs were not concurrent")
                sys.exit(35)
            line("waiting at barrier")
            time.sleep(0.2)

    failing = (kargs.get("fakefail") or (tests[0] if tests else "")).split(",")
    panicking = kargs.get("fakepanic") or (tests[0] if tests else "")
    passed = failed = 0
    for index, name in enumerate(tests):
        last = index == len(tests) - 1
        if scenario == "missing" and last:
            break
        if not (scenario == "replay" and index == 0):
            line(f"KTEST {nonce} {name} START")
        if last and "fakelab" in kargs:
            count = int(kargs["fakelab"])
            forged = [f"KTEST {nonce} {name} PASS", "PANIC cpu=0: not a real panic",
                      f"BOOT {nonce} complete cpus={cpus} nodes={len(nodes)}"]
            for number in range(count):
                line("lab| " + (forged[number] if number < len(forged)
                                else f"debug line {number}"))
        if scenario == "fastflood":
            while True:
                line("flood " * 10)
        if scenario == "slow":
            for number in range(int(kargs.get("fakeslow", "5"))):
                line(f"still working {number}")
                time.sleep(float(kargs.get("fakegap", "1")))
            time.sleep(3600)
        if scenario == "user-panic" and name == panicking:
            line("PANIC user: LAB 9: userland/fake/pager.cc: fake::serve() is not written yet "
                 "(find 'LAB 9: your code here' in that file)")
            sys.exit(37)
        if scenario in ("panic", "panic-silent") and name == panicking:
            cpu, address = 1, 0xdeadbeef
            if "fakepanicvary" in kargs:
                cpu, address = cpus - 1, 0xc0100000 + cpus * 0x1000 + len(nodes) * 0x10
            line(f"PANIC cpu={cpu}: page fault at {address:#010x} in test {name}")
            for register in ("eax=00000000 ebx=c0100000 ecx=00000001 edx=000003f8",
                             "esi=00000000 edi=00000000 ebp=c0ffee00 esp=c0ffede0",
                             "backtrace: c0101234 c0105678 c0109abc"):
                line("  " + register)
            if scenario == "panic":
                sys.exit(37)
            time.sleep(3600)
        if scenario == "triple":
            sys.exit(0)
        if scenario == "hang":
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
            with open(kargs["fakepidfile"], "w") as pidfile:
                pidfile.write(str(child.pid))
            time.sleep(3600)
        if scenario == "unfinished" and last:
            break
        user_level = name.startswith("l4.")
        if user_level and (not modules or not all(t.startswith("l4.") for t in tests)):
            line(f"KTEST {nonce} {name} FAIL user-level tests need a root task and no kernel tests beside them")
            failed += 1
        elif scenario in ("fail", "liar") and name in failing:
            line(f"KTEST {nonce} {name} FAIL expected 4 free frames, found 3")
            failed += 1
        else:
            line(f"KTEST {nonce} {name} PASS")
            passed += 1
        if scenario == "duplicate" and index == 0:
            line(f"KTEST {nonce} {name} PASS")
    if scenario == "forged":
        line(f"KTEST 0123456789abcdef {tests[0] if tests else 'x'} PASS")
    if scenario == "unrequested":
        line(f"KTEST {nonce} bonus START")
        line(f"KTEST {nonce} bonus PASS")
    if scenario == "flood":
        for number in range(10**9):
            line(f"tick {number}")
            time.sleep(0.2)
    if scenario == "bad-summary":
        passed += 1
    if tests:
        line(f"KTEST {nonce} summary passed={passed} failed={failed}")
    if scenario != "no-boot":
        line(f"BOOT {nonce} complete cpus={kargs.get('fakecpus', cpus)} nodes={len(nodes)}")
    if scenario == "broken":
        line(f"KCHECK {nonce} violation thread 88001 is on the run queues of CPUs 0 and 1")
        line(f"KCHECK {nonce} done violations=1 threads=3 spaces=2")
    if scenario == "status-panic":
        sys.exit(37)
    if scenario == "exit":
        sys.exit(int(kargs["fakeexit"]))
    sys.exit(35 if failed and scenario != "liar" else 33)


if __name__ == "__main__":
    main(sys.argv[1:])
