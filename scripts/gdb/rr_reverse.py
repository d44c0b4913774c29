#!/usr/bin/env python3
"""rr_reverse.py: reverse execution in a replay, by replaying again (make replay-gdb).

GDB steps a program backwards (`reverse-stepi`, `reverse-continue`) by asking its
target to: the remote protocol's `bs` and `bc` packets. QEMU 7.2 answers them by
loading a snapshot taken earlier in the replay, and a replay that loads one
never runs again (QEMU issue 2634; docs/debugging.md). But a replay needs no
snapshot to be somewhere earlier: it runs the same instructions every time, so
"one instruction back" is "replay again from the start and stop one instruction
sooner". This program does that for GDB. It sits between GDB and QEMU's GDB
stub, passes every packet on, and answers the two reverse packets itself:

  bs (reverse-stepi): read the replay's instruction count N (QMP query-replay),
      start a new replay of the same recording, stop it at N - 1 (QMP
      replay-break), and report a stop there;
  bc (reverse-continue): replay from the start to N with GDB's breakpoints
      (and watchpoints) in, noting the instruction count of every stop on the
      way; then replay once more to the last of them and report it as the stop
      GDB would have seen there (`Breakpoint 1, ...`). With none before N the
      replay stops at its first instruction and GDB says "No more
      reverse-execution history".

Each step back costs a replay from the start to that point (seconds for a test
run); going forward is QEMU's own, as fast as before. The machine has one CPU
(QEMU records no other), so the instruction count orders everything. A Ctrl-C
in GDB while a step back replays stops that replay where it is, as it stops a
forward `continue`: GDB reports a SIGINT there, and its breakpoints stay in.

The serial output of the replays goes to standard output once: a new replay
prints only what goes beyond what an earlier one printed (they print the same
bytes in the same order). The program ends when the last replay's QEMU does,
with its exit status.

    scripts/gdb/rr_reverse.py --dir DIR --port PORT

DIR is a recording made by scripts/gdb/rr.sh (its `argv`, `icount` and `run.rr`); GDB
connects to 127.0.0.1:PORT. QEMU's GDB stub and QMP listen on Unix sockets in
DIR.
"""
import argparse
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTUP_SECONDS = 60      # how long a new QEMU may take to open its sockets
STOP_SECONDS = 3600       # how long a replay may run to the point asked for


class ProtocolError(Exception):
    pass


def log(message: str) -> None:
    print(f"rr-reverse: {message}", file=sys.stderr, flush=True)


def checksum(payload: bytes) -> bytes:
    return b"%02x" % (sum(payload) % 256)


class PacketReader:
    """Reads the remote protocol's packets ($payload#xx) from a socket, acking each
    with '+'; the acks the other side sends are skipped, a Ctrl-C byte (0x03) is
    returned as the payload b"\\x03". None at the end of the stream."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""

    def read(self):
        while True:
            while self.buf[:1] in (b"+", b"-"):
                self.buf = self.buf[1:]
            if self.buf[:1] == b"\x03":
                self.buf = self.buf[1:]
                return b"\x03"
            start = self.buf.find(b"$")
            if start >= 0:
                end = self.buf.find(b"#", start)
                if end >= 0 and len(self.buf) >= end + 3:
                    payload = self.buf[start + 1:end]
                    self.buf = self.buf[end + 3:]
                    self.sock.sendall(b"+")
                    return payload
            elif self.buf:
                self.buf = b""  # noise between packets
            try:
                data = self.sock.recv(65536)
            except OSError:
                return None
            if not data:
                return None
            self.buf += data


def as_trap(stop: bytes) -> bytes:
    """A stop packet as a step's stop (signal 5, SIGTRAP): QEMU reports a stop at a
    replay-break as an interrupt (T02); GDB expects a reverse step to end in a trap."""
    return b"T05" + stop[3:] if stop[:1] == b"T" else b"T05"


def send_packet(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(b"$" + payload + b"#" + checksum(payload))


class Replay:
    """One QEMU playing the recording back, stopped at its first instruction, with
    its GDB stub and QMP on Unix sockets. Its packets arrive in `packets`."""

    def __init__(self, directory: Path, generation: int, output):
        self.directory = directory
        argv = (directory / "argv").read_bytes().split(b"\0")[:-1]
        self.gdb_path = directory / f"gdb-{generation}.sock"
        self.qmp_path = directory / f"qmp-{generation}.sock"
        for path in (self.gdb_path, self.qmp_path):
            path.unlink(missing_ok=True)
        command = [a.decode() for a in argv] + [
            "-serial", "stdio",
            "-icount", f"{(directory / 'icount').read_text().strip()},rr=replay,rrfile={directory / 'run.rr'}",
            "-S",
            "-chardev", f"socket,id=rrgdb,path={self.gdb_path},server=on,wait=off",
            "-gdb", "chardev:rrgdb",
            "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
        ]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        self.output_thread = threading.Thread(target=output.copy, args=(self.process.stdout,), daemon=True)
        self.output_thread.start()
        self.gdb = self._connect(self.gdb_path)
        self.qmp_sock = self._connect(self.qmp_path)
        self.qmp_file = self.qmp_sock.makefile("rw")
        self.qmp_file.readline()  # the greeting
        self.qmp("qmp_capabilities")
        self.packets: queue.Queue = queue.Queue()
        self.forward = None  # where packets go instead of the queue (the GDB side)
        self.lock = threading.Lock()
        threading.Thread(target=self._read_packets, daemon=True).start()

    def _connect(self, path: Path) -> socket.socket:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                sock = socket.socket(socket.AF_UNIX)
                sock.connect(str(path))
                return sock
            except OSError:
                sock.close()
                if self.process.poll() is not None:
                    raise ProtocolError(f"QEMU exited with status {self.process.returncode} before it listened")
                if time.monotonic() > deadline:
                    raise ProtocolError(f"QEMU did not open {path} in {STARTUP_SECONDS} s")
                time.sleep(0.05)

    def _read_packets(self) -> None:
        reader = PacketReader(self.gdb)
        while True:
            payload = reader.read()
            with self.lock:
                target = self.forward
            if target is not None and payload is not None:
                target(payload)
            else:
                self.packets.put(payload)
            if payload is None:
                return

    def set_forward(self, target) -> None:
        """Packets from now on go to target(payload) (None: to the queue)."""
        with self.lock:
            self.forward = target

    def send(self, payload: bytes) -> None:
        if payload == b"\x03":
            self.gdb.sendall(payload)
        else:
            send_packet(self.gdb, payload)

    def request(self, payload: bytes, seconds: float = 60, interrupt: threading.Event | None = None) -> bytes:
        """Sends a packet and returns the next one QEMU sends (the queue must be on).
        Once `interrupt` is set, QEMU gets a Ctrl-C (it stops and answers a `c` or `s`
        with a SIGINT stop)."""
        self.send(payload)
        deadline = time.monotonic() + seconds
        interrupted = False
        while True:
            try:
                reply = self.packets.get(timeout=0.1)
                break
            except queue.Empty:
                pass
            if interrupt is not None and interrupt.is_set() and not interrupted:
                self.send(b"\x03")
                interrupted = True
            if time.monotonic() > deadline:
                raise ProtocolError(f"QEMU did not answer {payload[:20]!r} in {seconds:.0f} s")
        if reply is None:
            raise ProtocolError(f"QEMU closed its GDB stub after {payload[:20]!r}")
        return reply

    def qmp(self, command: str, **arguments):
        self.qmp_file.write(json.dumps({"execute": command, "arguments": arguments}) + "\n")
        self.qmp_file.flush()
        while True:
            line = self.qmp_file.readline()
            if not line:
                raise ProtocolError(f"QEMU closed QMP after {command}")
            answer = json.loads(line)
            if "error" in answer:
                raise ProtocolError(f"QMP {command}: {answer['error'].get('desc')}")
            if "return" in answer:
                return answer["return"]

    def icount(self) -> int:
        return int(self.qmp("query-replay")["icount"])

    def run_to(self, icount: int, interrupt: threading.Event) -> bytes:
        """From a stop, runs to the given instruction count and returns the stop packet
        (or, interrupted, the stop where it is, the break cleared)."""
        if icount == self.icount():
            return b"T05"  # there already (the replay's first instruction)
        self.qmp("replay-break", icount=icount)
        stop = self.request(b"c", STOP_SECONDS, interrupt)
        if interrupt.is_set():
            self.qmp("replay-delete-break")
        return stop

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for sock in (self.gdb, self.qmp_sock):
            sock.close()
        for path in (self.gdb_path, self.qmp_path):
            path.unlink(missing_ok=True)


class Output:
    """Standard output for the replays' serial lines: each byte once, whichever
    replay prints it first."""

    def __init__(self):
        self.printed = 0
        self.lock = threading.Lock()

    def copy(self, stream) -> None:
        seen = 0
        while True:
            data = stream.read1(4096)
            if not data:
                return
            with self.lock:
                new = data[max(0, self.printed - seen):]
                seen += len(data)
                if new:
                    sys.stdout.buffer.write(new)
                    sys.stdout.buffer.flush()
                    self.printed = max(self.printed, seen)


class Proxy:
    def __init__(self, directory: Path, gdb: socket.socket):
        self.directory = directory
        self.gdb = gdb
        self.gdb_lock = threading.Lock()
        self.output = Output()
        self.generation = 0
        self.points: dict[bytes, bytes] = {}  # "type,addr,kind" -> the Z packet, as inserted now
        self.from_gdb: queue.Queue = queue.Queue()
        self.going_back = False  # a bs or bc is being answered
        self.interrupt = threading.Event()  # GDB sent a Ctrl-C meanwhile
        self.back_lock = threading.Lock()
        self.replay = self.new_replay()
        self.replay.set_forward(self.to_gdb)

    def new_replay(self) -> Replay:
        self.generation += 1
        return Replay(self.directory, self.generation, self.output)

    def to_gdb(self, payload: bytes) -> None:
        with self.gdb_lock:
            try:
                send_packet(self.gdb, payload)
            except OSError:
                pass  # GDB has gone; finish() waits for the replay to end

    def read_gdb(self) -> None:
        """GDB's packets into from_gdb, except a Ctrl-C during a step back: that one
        sets `interrupt` (the step back's replay gets it; GDB sends nothing else
        while it waits for the stop)."""
        reader = PacketReader(self.gdb)
        while True:
            payload = reader.read()
            with self.back_lock:
                if payload == b"\x03" and self.going_back:
                    self.interrupt.set()
                    continue
            self.from_gdb.put(payload)
            if payload is None:
                return

    def serve(self) -> int:
        threading.Thread(target=self.read_gdb, daemon=True).start()
        while True:
            payload = self.from_gdb.get()
            if payload is None:
                log("GDB disconnected: the replay runs on to its end")
                self.replay.send(b"D")
                return self.finish()
            if payload in (b"bs", b"bc"):
                self.replay.set_forward(None)
                with self.back_lock:
                    self.going_back = True
                    self.interrupt.clear()
                try:
                    stop = self.step_back() if payload == b"bs" else self.continue_back()
                except ProtocolError as error:
                    log(f"cannot go back: {error}")
                    stop = b"E14"
                with self.back_lock:
                    self.going_back = False
                if self.interrupt.is_set():
                    log(f"interrupted: stopped at instruction {self.replay.icount()}")
                self.replay.set_forward(self.to_gdb)
                self.to_gdb(stop)
                continue
            self.track_point(payload)
            self.replay.send(payload)
            if payload.startswith((b"D", b"vKill")) or payload == b"k":
                return self.finish()

    def track_point(self, payload: bytes) -> None:
        if payload[:1] in (b"Z", b"z") and payload[1:2] in b"01234" and len(payload) > 2:
            key = payload[1:].split(b";")[0]
            if payload[:1] == b"Z":
                self.points[key] = payload
            else:
                self.points.pop(key, None)

    def restart(self) -> Replay:
        """A new replay at the first instruction, the old one ended."""
        self.replay.set_forward(None)
        self.replay.end()
        self.replay = self.new_replay()
        for packet in (b"qSupported:multiprocess+;swbreak+;hwbreak+", b"?"):
            self.replay.request(packet)
        return self.replay

    def insert_points(self, replay: Replay, inserted: bool) -> None:
        for packet in self.points.values():
            wire = packet if inserted else b"z" + packet[1:]
            answer = replay.request(wire)
            if answer != b"OK":
                raise ProtocolError(f"QEMU refused {wire.decode()}: {answer.decode()}")

    def step_back(self) -> bytes:
        now = self.replay.icount()
        if now == 0:
            return b"T05replaylog:begin;"
        replay = self.restart()
        log(f"reverse-stepi: replaying from the start to instruction {now - 1}")
        stop = replay.run_to(now - 1, self.interrupt)
        self.insert_points(replay, True)
        return stop if self.interrupt.is_set() else as_trap(stop)

    def continue_back(self) -> bytes:
        now = self.replay.icount()
        replay = self.restart()
        log(f"reverse-continue: replaying from the start to instruction {now}, noting every stop")
        stops: list[tuple[int, bytes]] = []
        replay.qmp("replay-break", icount=now)
        self.insert_points(replay, True)
        while True:
            stop = replay.request(b"c", STOP_SECONDS, self.interrupt)
            if self.interrupt.is_set():  # where it is, on the way back to now
                replay.qmp("replay-delete-break")
                return stop
            at = replay.icount()
            if at >= now or not stop.startswith(b"T05"):
                break
            stops.append((at, stop))
            # Past the point that stopped it, as GDB steps over a breakpoint.
            self.insert_points(replay, False)
            replay.request(b"s", STOP_SECONDS)
            self.insert_points(replay, True)
            if replay.icount() >= now:
                break
        if not stops:
            self.restart()
            self.insert_points(self.replay, True)
            return b"T05replaylog:begin;"
        at, stop = stops[-1]
        # A watchpoint stops after the instruction that touched the memory; going
        # backwards, GDB expects to stop before it (as a recording debugger does):
        # there the value is still the old one, and GDB shows the change.
        if b"watch:" in stop:
            at -= 1
        replay = self.restart()
        log(f"reverse-continue: the last stop before {now} was at instruction {at}; replaying to it")
        interrupted = replay.run_to(at, self.interrupt)
        self.insert_points(replay, True)
        return interrupted if self.interrupt.is_set() else stop

    def finish(self) -> int:
        """GDB detached, killed the replay or left: the replay runs on to its end,
        as with QEMU's own stub (its answer to the last packet still goes to GDB)."""
        status = self.replay.process.wait()
        self.replay.output_thread.join(timeout=5)
        self.replay.end()
        return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, type=Path, help="the recording (scripts/gdb/rr.sh record)")
    parser.add_argument("--port", required=True, type=int, help="the TCP port GDB connects to")
    args = parser.parse_args()
    directory = args.dir.resolve()
    if not all((directory / name).is_file() for name in ("argv", "icount", "run.rr")):
        log(f"no recording in {directory}: make record first")
        return 2
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(1)
    gdb, _ = listener.accept()
    listener.close()
    try:
        return Proxy(directory, gdb).serve()
    except ProtocolError as error:
        log(str(error))
        return 1


if __name__ == "__main__":
    sys.exit(main())
