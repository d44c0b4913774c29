// online.h: which CPUs are running the kernel.
//
// A CPU marks itself online as the last step of its bring-up; the set only
// grows. Reads need no lock (one word per CPU, written once).
#pragma once

namespace smp {

void mark_online(unsigned cpu);
bool cpu_online(unsigned cpu);
unsigned online_count();

}  // namespace smp
