import os
import shlex
import subprocess
import tempfile
import unittest

import support
from proxima_grader import parse_presets, run_one
from proxima_grader.reproduce import commands

NONCE = "0011223344556677"


class Reproduce(unittest.TestCase):
    def setUp(self):
        self.cwd = os.getcwd()
        self.addCleanup(os.chdir, self.cwd)

    def test_make_commands_from_the_repository_root(self):
        os.chdir(support.REPO)
        result = run_one(support.fake_spec("pass", extra=("numa=fake:2",)),
                         support.fake_setup(), NONCE)
        cmdline = f"exit test=a,b nonce={NONCE} fake=pass numa=fake:2"
        self.assertEqual(result.cmdline, cmdline)
        # MODULES= because this run booted no modules, which make qemu would add.
        self.assertEqual(result.commands()["make"], f"make qemu TOPO=2x2 KARGS='{cmdline}' MODULES=")
        self.assertEqual(result.commands()["debug"],
                         f"make qemu-gdb TOPO=2x2 KARGS='{cmdline}' MODULES="
                         "   # then, in another terminal: make gdb")

    def test_make_commands_elsewhere_name_the_repository(self):
        with tempfile.TemporaryDirectory() as directory:
            os.chdir(directory)
            make = commands(support.PRESETS.get("uma"), "exit nonce=1", ["qemu"])["make"]
        self.assertEqual(make, f"make -C {support.REPO} qemu TOPO=uma KARGS='exit nonce=1'")

    def test_a_one_cpu_machine_gets_a_record_command_and_others_none(self):
        os.chdir(support.REPO)
        one = commands(support.PRESETS.get("uma"), "exit nonce=1", ["qemu"], modules=("a.elf", "b.elf x=1"))
        self.assertEqual(one["record"], "make record TOPO=uma KARGS='exit nonce=1' MODULES='a.elf,b.elf x=1'"
                                        "   # then: make replay-gdb, and in another terminal: make gdb-replay")
        self.assertNotIn("record", commands(support.PRESETS.get("2x2"), "exit", ["qemu"]))

    def test_a_preset_make_does_not_know_is_passed_as_machine_options(self):
        os.chdir(support.REPO)
        foreign = parse_presets("uma = -smp 2 -m 64M\nodd = -smp 3 -m 96M\n", "other.conf")
        make = commands(foreign.get("uma"), "exit", ["qemu"])["make"]
        self.assertEqual(make, "make qemu MACHINE='-smp 2 -m 64M' KARGS=exit")
        make = commands(foreign.get("odd"), "exit", ["qemu"])["make"]
        self.assertEqual(make, "make qemu MACHINE='-smp 3 -m 96M' KARGS=exit")

    def test_qemu_command_is_the_exact_argv_and_reruns_the_same_boot(self):
        result = run_one(support.fake_spec("pass"), support.fake_setup(), NONCE)
        command = result.commands()["qemu"]
        self.assertEqual(shlex.split(command), result.argv)
        self.assertIn(f"-append 'exit test=a,b nonce={NONCE} fake=pass'", command)
        for device in ("-no-reboot", "-serial stdio", "-display none", "-monitor none",
                       "-device isa-debug-exit,iobase=0xf4,iosize=0x04"):
            self.assertIn(device, command)
        rerun = subprocess.run(command, shell=True, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(rerun.returncode, 33)
        self.assertEqual(rerun.stdout.splitlines(), [l.text for l in result.lines])

    def test_preset_options_follow_the_kernel_options(self):
        result = run_one(support.fake_spec("pass"), support.fake_setup(), NONCE)
        argv = result.argv
        self.assertEqual(argv[2:6], ["-kernel", support.KERNEL, "-append", result.cmdline])
        options = support.PRESETS.get("2x2").options
        self.assertEqual(tuple(argv[6:6 + len(options)]), options)


if __name__ == "__main__":
    unittest.main()
