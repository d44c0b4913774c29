"""What the grader says of a hung QEMU's vCPUs (proxima_grader/vcpus.py), without
QEMU: the register dump parsed, addresses named by symbols, the frame-pointer
chain followed through memory a fake monitor serves, and the report's lines.
test_real_qemu.py asks a real QEMU."""

import unittest

import support  # noqa: F401  (puts the grader on the path)
from proxima_grader import vcpus
from proxima_grader.vcpus import Symbols, Vcpu

REGISTERS = """CPU#0
EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000000
ESI=00000000 EDI=00000000 EBP=ef800fd0 ESP=ef800fc0
EIP=c0100234 EFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
CR0=80010011 CR2=00000000 CR3=001b6000 CR4=00000010

CPU#1
EAX=00000480 EBX=00000000 ECX=00000000 EDX=00000000
ESI=00000000 EDI=00000000 EBP=ef801ff8 ESP=ef801ff8
EIP=c0100310 EFL=00000202 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=1
CR0=80010011 CR2=00000000 CR3=001b6000 CR4=00000010

CPU#2
EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000000
ESI=00000000 EDI=00000000 EBP=0043ef00 ESP=0043eee0
EIP=080481a3 EFL=00000202 [-------] CPL=3 II=0 A20=1 SMM=0 HLT=0
CR0=80010011 CR2=00000000 CR3=00222000 CR4=00000010
"""

SYMBOLS = Symbols([(0xc0100200, "spin_lock"), (0xc0100280, "Scheduler::pick"),
                   (0xc0100300, "idle_main"), (0xc0100400, "kernel_main")])


class FakeMonitor:
    """Serves `x /2xw ADDR` from a dict of 32-bit words."""

    def __init__(self, words):
        self.words = words
        self.asked = []

    def human(self, command, cpu=None):
        self.asked.append((command, cpu))
        address = int(command.split()[-1], 16)
        return (f"{address:08x}: 0x{self.words.get(address, 0):08x} "
                f"0x{self.words.get(address + 4, 0):08x}\r\n")


class Registers(unittest.TestCase):
    def test_every_vcpu_is_read(self):
        parsed = vcpus.parse_registers(REGISTERS)
        self.assertEqual([v.index for v in parsed], [0, 1, 2])
        first = parsed[0]
        self.assertEqual((first.eip, first.esp, first.ebp, first.cpl, first.halted, first.cr3),
                         (0xc0100234, 0xef800fc0, 0xef800fd0, 0, False, 0x1b6000))
        self.assertFalse(first.interrupts_on)
        self.assertTrue(parsed[1].halted and parsed[1].interrupts_on)
        self.assertFalse(parsed[2].in_kernel)

    def test_a_dump_without_registers_gives_no_vcpus(self):
        self.assertEqual(vcpus.parse_registers("CPU#0\nnothing here\n"), [])


class Naming(unittest.TestCase):
    def test_the_nearest_symbol_below_with_an_offset(self):
        self.assertEqual(SYMBOLS.name(0xc0100234), "spin_lock+0x34")
        self.assertEqual(SYMBOLS.name(0xc0100300), "idle_main")

    def test_an_address_outside_the_kernel_has_no_name(self):
        self.assertIsNone(SYMBOLS.name(0x080481a3))
        self.assertIsNone(SYMBOLS.name(0xc0100400 + 0x20000))


class Frames(unittest.TestCase):
    def test_the_chain_is_followed_while_it_climbs_the_stack(self):
        vcpu = vcpus.parse_registers(REGISTERS)[0]
        monitor = FakeMonitor({0xef800fd0: 0xef800fe8, 0xef800fd4: 0xc0100290,   # pick called spin_lock
                               0xef800fe8: 0xef800ff8, 0xef800fec: 0xc0100410,   # kernel_main called pick
                               0xef800ff8: 0, 0xef800ffc: 0xc0100420})
        frames = vcpus.kernel_frames(monitor, vcpu, SYMBOLS)
        self.assertEqual(frames, [0xc0100290, 0xc0100410, 0xc0100420])  # the outermost frame saved ebp 0
        self.assertTrue(all(cpu == 0 for _, cpu in monitor.asked))  # read through that vCPU's page tables
        self.assertEqual(vcpus.describe(vcpu, frames, SYMBOLS),
                         "vCPU 0: kernel, interrupts off, at spin_lock+0x34 <- Scheduler::pick+0x10 "
                         "<- kernel_main+0x10 <- kernel_main+0x20")

    def test_a_return_address_that_is_not_kernel_code_ends_the_chain(self):
        vcpu = vcpus.parse_registers(REGISTERS)[0]
        monitor = FakeMonitor({0xef800fd0: 0xef800fe8, 0xef800fd4: 0xdeadbeef})
        self.assertEqual(vcpus.kernel_frames(monitor, vcpu, SYMBOLS), [])

    def test_a_frame_pointer_off_the_stack_is_not_read(self):
        vcpu = Vcpu(0, 0xc0100234, esp=0xef800fc0, ebp=0x1234, eflags=0, cpl=0, halted=False, cr3=0)
        monitor = FakeMonitor({})
        self.assertEqual(vcpus.kernel_frames(monitor, vcpu, SYMBOLS), [])
        self.assertEqual(monitor.asked, [])


class Lines(unittest.TestCase):
    def test_halted_and_user_vcpus(self):
        parsed = vcpus.parse_registers(REGISTERS)
        self.assertEqual(vcpus.describe(parsed[1], [], SYMBOLS),
                         "vCPU 1: halted in the kernel, interrupts on, at idle_main+0x10")
        self.assertEqual(vcpus.describe(parsed[2], [], SYMBOLS),
                         "vCPU 2: user mode, interrupts on, eip 0x80481a3 esp 0x43eee0 cr3 0x222000")

    def test_no_monitor_says_so(self):
        lines = vcpus.snapshot("/nonexistent/qmp.sock", "/nonexistent/kernel.elf", seconds=1)
        self.assertEqual(len(lines), 1)
        self.assertIn("QEMU's monitor did not answer", lines[0])


if __name__ == "__main__":
    unittest.main()
