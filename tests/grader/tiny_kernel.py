"""Tiny multiboot kernels, made byte by byte, to check the grader against real QEMU.

Each image is a multiboot 1 header using the a.out kludge (flags bit 16: the
header gives load and entry addresses, so no ELF is needed), followed by
32-bit code that prints a message on COM1 and then writes a status to the
isa-debug-exit port, triple-faults, or hangs (spinning or halted).

    0x100000  header: magic, flags, checksum, header/load/end/bss/entry addresses
    0x100020  code
    0x100080  6 zero bytes: an empty IDT descriptor
    0x100100  the message, NUL-terminated
"""

import struct

LOAD = 0x100000
CODE, IDT, MESSAGE = 0x20, 0x80, 0x100


def _image(code: bytes, message: str) -> bytes:
    magic, flags = 0x1BADB002, 0x00010000
    header = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xFFFFFFFF,
                         LOAD, LOAD, 0, 0, LOAD + CODE)
    image = bytearray(header.ljust(MESSAGE, b"\0"))
    image[CODE:CODE + len(code)] = code
    return bytes(image) + message.encode() + b"\0"


def _print_message() -> bytes:
    return (b"\xBE" + struct.pack("<I", LOAD + MESSAGE)  # mov esi, message
            + b"\xBA\xF8\x03\x00\x00"                      # mov edx, 0x3f8 (COM1)
            + b"\xAC"                                      # next: lodsb
            + b"\x84\xC0"                                  # test al, al
            + b"\x74\x03"                                  # jz done
            + b"\xEE"                                      # out dx, al
            + b"\xEB\xF8")                                 # jmp next; done:


def exiting_kernel(message: str, status: int) -> bytes:
    """Prints `message`, then writes `status` to port 0xf4: QEMU exits (status << 1) | 1."""
    code = (_print_message()
            + b"\xBA\xF4\x00\x00\x00"          # mov edx, 0xf4
            + b"\xB0" + bytes([status])        # mov al, status
            + b"\xEE"                          # out dx, al
            + b"\xF4\xEB\xFD")                 # hlt; jmp hlt
    return _image(code, message)


def triple_fault_kernel(message: str) -> bytes:
    """Prints `message`, loads an empty IDT and raises int3: #GP, #DF, reset."""
    code = (_print_message()
            + b"\x0F\x01\x1D" + struct.pack("<I", LOAD + IDT)  # lidt [empty]
            + b"\xCC"                                          # int3
            + b"\xF4")                                         # hlt
    return _image(code, message)


def hanging_kernel(message: str, halt: bool) -> bytes:
    """Prints `message`, turns interrupts off and hangs: `hlt` (halted) or a
    `jmp` to itself (spinning), at hang_address(halt)."""
    code = _print_message() + b"\xFA"   # cli
    assert len(code) == HANG_AT - CODE
    return _image(code + (b"\xF4\xEB\xFD" if halt else b"\xEB\xFE"), message)  # hlt; jmp hlt | jmp .


HANG_AT = CODE + len(_print_message()) + 1  # where hanging_kernel's last instructions start


def hang_address(halt: bool) -> int:
    """The instruction a hanging_kernel's CPU sits at: after its `hlt` (EIP points past
    a halting `hlt`) or at its `jmp`."""
    return LOAD + HANG_AT + (1 if halt else 0)
