// system.cc: see system.h.
#include "numa/system.h"

#include "l4/string.h"

namespace numa {

const ModuleRecord* System::find_module(const char* name) const {
    for (unsigned i = 0; i < module_count; ++i)
        if (strcmp(modules[i].name, name) == 0) return &modules[i];
    return nullptr;
}

const PagerRecord* System::pager_by_thread(ThreadId thread) const {
    if (thread.is_nil()) return nullptr;
    for (unsigned cpu = 0; cpu < cpus; ++cpu)
        if (pagers[cpu].pager == thread) return &pagers[cpu];
    return nullptr;
}

}  // namespace numa
