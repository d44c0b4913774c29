// ostest.h: what ostest's modes share (main.cc has the list of modes): the report of a
// failed step, and the modes that have files of their own.
#pragma once

namespace ostest {

/// Prints that step `step` failed and why; returns `step`, the program's exit code.
int failed(int step, const char* why);

/// mode=unmap (unmap.cc): 0, or the step that failed.
int mode_unmap();

/// mode=fuzz (fuzz.cc): 0, or the step that failed.
int mode_fuzz();

}  // namespace ostest
