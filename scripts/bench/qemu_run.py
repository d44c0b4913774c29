"""qemu_run.py: what every benchmark script shares: running QEMU and keeping its serial
output, reading key=value result lines, writing CSV files and drawing with gnuplot.

run.py (ipcbench) and apps.py (pingpong, arraywalk) import it; it runs nothing itself.
"""
import csv
import shutil
import subprocess
import sys
import threading

# isa-debug-exit statuses: (value << 1) | 1
EXIT_OK = 33  # 0x10: the root task says all went well
EXIT_FAILED = 35  # 0x11: something failed (its lines say what)
EXIT_PANIC = 37  # the kernel panicked
STOPPED = "stopped"  # run_qemu's status when it stopped QEMU at the stop line

CLOCK_NOTES = {
    "tsc": "cycles: QEMU's emulated time-stamp counter (TCG, no KVM), host time, not a real CPU's",
    "icount": "cycles: guest instructions (QEMU -icount shift=0), on all CPUs together",
}


def parse_fields(words):
    """key=value words into a dict (other words are left out)."""
    fields = {}
    for word in words:
        key, sep, value = word.partition("=")
        if sep:
            fields[key] = value
    return fields


def run_qemu(command, log_path, timeout, echo_prefixes, stop_line=None):
    """Runs QEMU with the serial port on its stdout; echoes the lines that start with one
    of `echo_prefixes` or mention a panic as they come. A line that starts with
    `stop_line` ends the run (QEMU is stopped). Returns (exit status, STOPPED, or None on
    timeout; every serial line)."""
    lines = []
    stopped = threading.Event()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(command + ["-serial", "stdio"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")

        def reader():
            for line in proc.stdout:
                log.write(line)
                log.flush()
                line = line.rstrip("\r\n")
                lines.append(line)
                if line.startswith(tuple(echo_prefixes)) or "panic" in line.lower():
                    print("  " + line, flush=True)
                if stop_line is not None and line.startswith(stop_line) and not stopped.is_set():
                    stopped.set()
                    proc.terminate()

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = None
        thread.join(timeout=5)
    return (STOPPED if stopped.is_set() else status), lines


def write_csv(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def gnuplot(script):
    """Runs a gnuplot script; False when gnuplot is not installed or failed."""
    program = shutil.which("gnuplot")
    if program is None:
        return False
    done = subprocess.run([program], input=script, text=True, capture_output=True)
    if done.returncode != 0:
        print(f"gnuplot failed: {done.stderr.strip()}", file=sys.stderr)
        return False
    return True


def cycles_label(clock):
    return "guest instructions" if clock == "icount" else "emulated TSC cycles (QEMU TCG)"
