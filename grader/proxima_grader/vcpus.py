"""What each virtual CPU was doing when the grader stopped a QEMU that hung.

A hang (no serial output for the hang limit) or a run past its time limit says
only that nothing came out. Before it kills such a QEMU, the grader asks QEMU's
QMP monitor (a Unix socket every run gets: `monitor_option`) for each vCPU's
registers (`info registers -a`), and for a vCPU in the kernel it follows the
frame-pointer chain through the kernel stack (`x /2xw` at each frame), naming
every address by the kernel's symbols (`llvm-nm`). The result, one line per
vCPU, goes into the failure report and the run's log:

    vCPU 0: kernel, interrupts off, at spin_lock+0x12 <- Scheduler::pick+0x40 <- ...
    vCPU 1: halted in the kernel, interrupts on, at idle_loop+0x8
    vCPU 2: user mode, eip 0x80481a3 esp 0x7fffef0 cr3 0x1b6000

so that a kernel that deadlocked (every vCPU in the kernel, interrupts off), a
lost thread (every vCPU idle) and a user program in a loop look different at a
glance. Frames compiled without a frame pointer are skipped over or end the
chain early; the chain stops at the first address that is not kernel code.

Asking costs nothing when QEMU does not answer (the self-tests' fake QEMU): the
report then says that the monitor did not answer.
"""

from __future__ import annotations

import bisect
import json
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

QUERY_SECONDS = 5.0   # the whole question, however many vCPUs
MAX_FRAMES = 8        # return addresses followed per vCPU in the kernel
MAX_FRAME_BYTES = 64 * 1024  # a kernel stack is smaller: a frame farther up is not on it
KERNEL_PRIVILEGE = 0
IF_FLAG = 1 << 9


def monitor_option(socket_path: Path | str) -> list[str]:
    """QEMU options that open a QMP monitor on `socket_path` (not waiting for us)."""
    return ["-qmp", f"unix:{socket_path},server=on,wait=off"]


@dataclass(frozen=True)
class Vcpu:
    index: int
    eip: int
    esp: int
    ebp: int
    eflags: int
    cpl: int
    halted: bool
    cr3: int

    @property
    def interrupts_on(self) -> bool:
        return bool(self.eflags & IF_FLAG)

    @property
    def in_kernel(self) -> bool:
        return self.cpl == KERNEL_PRIVILEGE


_CPU = re.compile(r"^CPU#(\d+)", re.M)
_FIELD = re.compile(r"\b(EIP|ESP|EBP|EFL|CPL|HLT|CR3)=([0-9a-fA-F]+)")


def parse_registers(text: str) -> list[Vcpu]:
    """The vCPUs in `info registers -a` output (IA32: EIP, ESP, EBP, EFL, CPL, HLT, CR3)."""
    starts = [(m.start(), int(m.group(1))) for m in _CPU.finditer(text)]
    vcpus = []
    for number, (start, index) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(text)
        fields = {name: value for name, value in _FIELD.findall(text[start:end])}
        if not {"EIP", "ESP", "EBP", "EFL", "CPL", "HLT"} <= fields.keys():
            continue
        vcpus.append(Vcpu(index, int(fields["EIP"], 16), int(fields["ESP"], 16), int(fields["EBP"], 16),
                          int(fields["EFL"], 16), int(fields["CPL"]), fields["HLT"] == "1",
                          int(fields.get("CR3", "0"), 16)))
    return vcpus


class Symbols:
    """Names kernel code addresses by the nearest function symbol below them."""

    def __init__(self, entries: list[tuple[int, str]]):
        entries = sorted(entries)
        self.addresses = [address for address, _ in entries]
        self.names = [name for _, name in entries]

    @classmethod
    def of(cls, elf: str) -> "Symbols":
        """The text symbols of `elf` (no symbols when it cannot be read)."""
        tool = shutil.which("llvm-nm") or shutil.which("nm")
        if not tool or not Path(elf).is_file():
            return cls([])
        try:
            out = subprocess.run([tool, "-C", "--defined-only", elf], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return cls([])
        entries = []
        for line in out.splitlines():
            address, _, rest = line.partition(" ")
            kind, _, name = rest.partition(" ")
            if kind in ("t", "T", "w", "W") and name:
                try:
                    entries.append((int(address, 16), name))
                except ValueError:
                    continue
        return cls(entries)

    def name(self, address: int) -> str | None:
        """`function+0xoffset`, or None for an address below every symbol or far past one."""
        at = bisect.bisect_right(self.addresses, address) - 1
        if at < 0 or address - self.addresses[at] > 0x10000:
            return None
        offset = address - self.addresses[at]
        return self.names[at] + (f"+{offset:#x}" if offset else "")


class Monitor:
    """A QMP connection: one human-monitor command at a time."""

    def __init__(self, socket_path: str, deadline: float):
        self.deadline = deadline
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.buffer = b""
        try:
            self.sock.settimeout(self._left())
            self.sock.connect(socket_path)
            self._reply()  # the greeting
            self._call({"execute": "qmp_capabilities"})
        except BaseException:
            self.sock.close()
            raise

    def _left(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the monitor took too long")
        return left

    def _reply(self) -> dict:
        while True:
            line, newline, rest = self.buffer.partition(b"\n")
            if newline:
                self.buffer = rest
                message = json.loads(line)
                if "event" not in message:
                    return message
                continue
            self.sock.settimeout(self._left())
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the monitor closed the connection")
            self.buffer += chunk

    def _call(self, command: dict):
        self.sock.settimeout(self._left())
        self.sock.sendall(json.dumps(command).encode() + b"\n")
        reply = self._reply()
        if "error" in reply:
            raise RuntimeError(reply["error"].get("desc", "error"))
        return reply.get("return")

    def human(self, command: str, cpu: int | None = None) -> str:
        arguments = {"command-line": command}
        if cpu is not None:
            arguments["cpu-index"] = cpu
        return self._call({"execute": "human-monitor-command", "arguments": arguments}) or ""

    def close(self):
        self.sock.close()


_WORDS = re.compile(r"^[0-9a-fA-F]+:\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)", re.M)


def kernel_frames(monitor: Monitor, vcpu: Vcpu, symbols: Symbols) -> list[int]:
    """Return addresses up the frame-pointer chain of a vCPU in the kernel."""
    frames = []
    ebp = vcpu.ebp
    while len(frames) < MAX_FRAMES and vcpu.esp <= ebp < vcpu.esp + MAX_FRAME_BYTES:
        words = _WORDS.search(monitor.human(f"x /2xw {ebp:#x}", cpu=vcpu.index))
        if not words:
            break
        caller_ebp, ret = int(words.group(1), 16), int(words.group(2), 16)
        if symbols.name(ret) is None:
            break
        frames.append(ret)
        if caller_ebp <= ebp:
            break
        ebp = caller_ebp
    return frames


def describe(vcpu: Vcpu, frames: list[int], symbols: Symbols) -> str:
    interrupts = "interrupts on" if vcpu.interrupts_on else "interrupts off"
    if not vcpu.in_kernel:
        state = "halted in user mode" if vcpu.halted else "user mode"
        return f"vCPU {vcpu.index}: {state}, {interrupts}, eip {vcpu.eip:#x} esp {vcpu.esp:#x} cr3 {vcpu.cr3:#x}"
    where = [symbols.name(vcpu.eip) or f"{vcpu.eip:#x}"] + [symbols.name(ret) for ret in frames]
    state = "halted in the kernel" if vcpu.halted else "kernel"
    return f"vCPU {vcpu.index}: {state}, {interrupts}, at " + " <- ".join(where)


def snapshot(socket_path: str, kernel_elf: str, seconds: float = QUERY_SECONDS) -> list[str]:
    """One line per vCPU of the QEMU whose monitor listens on `socket_path`, or one
    line that says why there are none."""
    deadline = time.monotonic() + seconds
    try:
        monitor = Monitor(socket_path, deadline)
    except (OSError, ValueError, RuntimeError, TimeoutError) as error:
        return [f"the vCPUs' state is unknown: QEMU's monitor did not answer ({error})"]
    try:
        vcpus = parse_registers(monitor.human("info registers -a"))
        if not vcpus:
            return ["the vCPUs' state is unknown: QEMU's monitor printed no registers"]
        symbols = Symbols.of(kernel_elf)
        lines = []
        for vcpu in vcpus:
            frames = []
            if vcpu.in_kernel:
                try:
                    frames = kernel_frames(monitor, vcpu, symbols)
                except (OSError, ValueError, RuntimeError, TimeoutError):
                    frames = []
            lines.append(describe(vcpu, frames, symbols))
        return lines
    except (OSError, ValueError, RuntimeError, TimeoutError) as error:
        return [f"the vCPUs' state is unknown: QEMU's monitor stopped answering ({error})"]
    finally:
        monitor.close()
