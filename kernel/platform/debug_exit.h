// debug_exit.h: leaving QEMU with a status, through its isa-debug-exit device.
//
// QEMU is started with `-device isa-debug-exit,iobase=0xf4,iosize=0x04`. A
// byte v written to port 0xf4 makes QEMU exit with status (v << 1) | 1. The
// values below are chosen so that no QEMU status collides with QEMU's own: 0
// (a triple fault under -no-reboot) and 1 (QEMU failed to start).
#pragma once

#include <stdint.h>

namespace platform {

enum class ExitStatus : uint8_t {
    Success = 0x10,     ///< boot complete, every self-test passed: QEMU exits 33
    TestFailed = 0x11,  ///< boot complete, a self-test failed:    QEMU exits 35
    Panic = 0x12,       ///< the kernel panicked:                  QEMU exits 37
};

/// Exits QEMU; on a machine without the device (Bochs, real hardware), halts.
[[noreturn]] void debug_exit(ExitStatus status);

}  // namespace platform
