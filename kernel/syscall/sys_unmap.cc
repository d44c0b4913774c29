// sys_unmap.cc: the Unmap system call.
//
//   Unmap(control): control bits 5..0 = k, bit 6 = f. MR0..MRk hold fpages of
//   the caller's space. For each, the rights in the fpage are taken away from
//   every mapping derived from the caller's mappings in it (recursively, the
//   mapping database does that), and with f (flush) from the caller's own
//   mappings too. Each MRi comes back with the fpage's rwx bits replaced by
//   the access status of the visited mappings: r referenced, w written
//   (dirty). An fpage without rights only reads (and resets) the status.
// The complete fpage means all of user space. IO fpages: flush gives the
// ports up; IO rights mapped on to others are not tracked, so a plain unmap
// of an IO fpage does nothing.
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "mm/mappings.h"
#include "mm/space.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

namespace {

constexpr Word kFlushBit = 1 << 6;

Fpage unmap_one(mm::Space* space, Fpage fpage, bool flush) {
    if (fpage.is_io()) {
        Result<IoFpage> io = IoFpage::try_from(fpage);
        if (io.ok() && flush) space->revoke_io_ports(io.value().first_port(), io.value().size());
        return fpage.with_rights(Rights::None);
    }
    if (fpage.is_nil() || !fpage.is_valid_memory()) return fpage;
    Rights status = Rights::None;
    Rights rights = fpage.rights();
    if (fpage.is_complete()) {
        // Two windows (each an fpage the MDB takes); each call sets its own status.
        Rights high = Rights::None;
        (void)mm::unmap(space, 0, size_t(1) << 31, rights, flush, status);
        (void)mm::unmap(space, uintptr_t(1) << 31, size_t(1) << 30, rights, flush, high);
        status |= high;
    } else if (fpage.end() <= mm::kUserSpaceEnd) {
        (void)mm::unmap(space, fpage.address(), size_t(fpage.size()), rights, flush, status);
    }
    return fpage.with_rights(status);
}

}  // namespace

Word unmap(Word control, Word mr0) {
    thread::Tcb* self = caller();
    unsigned last = control & low_mask(6);
    bool flush = (control & kFlushBit) != 0;
    Word result0 = unmap_one(self->m_space, Fpage::from_raw(mr0), flush).raw();
    self->m_utcb->mr[0] = result0;
    for (unsigned i = 1; i <= last && i < kNumMessageRegisters; ++i) {
        Word raw = self->m_utcb->mr[i];
        self->m_utcb->mr[i] = unmap_one(self->m_space, Fpage::from_raw(raw), flush).raw();
    }
    return result0;
}

}  // namespace syscall
