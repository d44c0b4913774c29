// run_end.h: ending a QEMU run from user level, with a status.
//
// QEMU's isa-debug-exit device (IO port 0xF4, which every Proxima machine has)
// ends QEMU when a byte is written to it; QEMU's exit status is then
// (byte << 1) | 1. The kernel uses 0x10 (33: passed), 0x11 (35: failed) and
// 0x12 (37: panic); root tasks that end a run use the first two, and a user-level
// lab's hole (l4::lab_missing, l4/lab.h) the third. The port is an IO fpage like any
// other: sigma0 maps it on request (docs/user-boot.md).
#pragma once

#include <stdint.h>

namespace l4 {

inline constexpr uint16_t kDebugExitPort = 0xF4;
inline constexpr uint8_t kRunPassed = 0x10;
inline constexpr uint8_t kRunFailed = 0x11;
inline constexpr uint8_t kRunPanic = 0x12;

/// Has the kernel check its invariants (kdebug::check_invariants), asks
/// sigma0 for the port and writes `status` to it. If that does not end
/// the run (no such device: Bochs, or a machine without it), says so on the
/// console, prefixed by `who`, and sleeps forever.
[[noreturn]] void end_run(const char* who, uint8_t status);

}  // namespace l4
