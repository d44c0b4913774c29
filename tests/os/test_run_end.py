"""How a run with `exit` ends once a root task runs (docs/user-boot.md): the base OS
ends it when all its tasks have ended, with QEMU status 33 when every task exited
with code 0 and 35 otherwise; the test root task ends it at once when no l4. tests
were named; without a root task the kernel ends it after boot.

    PROXIMA_BUILD=build/release python3 -m unittest discover -s tests/os   (make os-tests)
"""
import os
import re
import subprocess
import threading
import unittest

KIT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(KIT, os.environ.get("PROXIMA_BUILD", "build/release"))
# QEMU emulates; a loaded 2-core machine is slow. These runs take seconds when all is well.
TIMEOUT = 600


def preset(name):
    with open(os.path.join(KIT, "config", "topologies.conf")) as f:
        for line in f:
            m = re.match(r"^(\S+)\s*=\s*(.*)$", line)
            if m and m.group(1) == name:
                return m.group(2).split()
    raise KeyError(name)


def boot(modules, kargs, topo="2x2"):
    """(QEMU's exit status, serial output) of one run."""
    command = (["qemu-system-i386", "-kernel", os.path.join(BUILD, "kernel.elf"), "-append", kargs]
               + (["-initrd", ",".join(modules)] if modules else []) + preset(topo)
               + ["-no-reboot", "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                  "-serial", "stdio", "-monitor", "none"])
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                            timeout=TIMEOUT)
    return result.returncode, result.stdout


def program(name, args=""):
    path = os.path.join(BUILD, "userland", name + ".elf")
    return f"{path} {args}".strip()


class RunEnd(unittest.TestCase):
    def expect(self, status, output, wanted, line):
        self.assertEqual(status, wanted, f"QEMU exit status {status}, expected {wanted}; output:\n{output[-3000:]}")
        self.assertIn(line, output)

    def test_the_base_os_ends_the_demo_run_with_success(self):
        status, output = boot([program("sigma0"), program("baseos"), program("demo")], "exit")
        self.expect(status, output, 33, "baseos: ending the run (exit): 0 task(s) failed")
        self.assertIn("baseos: task demo exited with code 0", output)

    def test_a_failing_program_ends_the_run_with_failure(self):
        status, output = boot([program("sigma0"), program("baseos"), program("ostest", "mode=exit code=3")], "exit",
                              topo="uma")
        self.expect(status, output, 35, "baseos: ending the run (exit): 1 task(s) failed")

    def test_without_exit_the_base_os_says_how_to_quit(self):
        # No `exit`: QEMU would run forever, so it is stopped once the base OS has said
        # its last line (or its output ends: the assertion below then shows the tail).
        command_modules = [program("sigma0"), program("baseos"), program("demo")]
        proc = subprocess.Popen(
            ["qemu-system-i386", "-kernel", os.path.join(BUILD, "kernel.elf"), "-append", "",
             "-initrd", ",".join(command_modules)] + preset("uma")
            + ["-no-reboot", "-display", "none", "-serial", "stdio", "-monitor", "none"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        seen = []
        limit = threading.Timer(TIMEOUT, proc.kill)  # a hang ends the read loop too
        limit.start()
        try:
            for line in proc.stdout:
                seen.append(line)
                if line.startswith("baseos: nothing more to run"):
                    break
        finally:
            limit.cancel()
            proc.kill()
            proc.wait()
            proc.stdout.close()
        self.assertIn("Ctrl-A X", seen[-1] if seen else "", "".join(seen[-20:]))

    def test_the_test_root_task_ends_a_run_without_l4_tests(self):
        status, output = boot([program("sigma0"), program("l4test")], "exit test=mm.kernel_heap", topo="uma")
        self.expect(status, output, 33, "l4test: no l4.* tests selected; ending the run (exit)")

    def test_without_a_root_task_the_kernel_ends_the_run(self):
        status, output = boot([], "exit", topo="uma")
        self.expect(status, output, 33, "boot: no sigma0 and root task modules: no user level")

    def test_a_failed_self_test_ends_the_run_before_the_user_level(self):
        status, output = boot([program("sigma0"), program("baseos"), program("demo")], "exit test=no.such.test",
                              topo="uma")
        self.expect(status, output, 35, "KTEST - no.such.test FAIL no such test")
        self.assertNotIn("baseos:", output)


if __name__ == "__main__":
    unittest.main()
