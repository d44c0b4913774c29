// run_end.cc: ending a QEMU run (see run_end.h).
#include "l4/run_end.h"

#include "api/fpage.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/print.h"
#include "l4/sigma0_client.h"

namespace l4 {

void end_run(const char* who, uint8_t status) {
    // The kernel's own state at the end of the run, whatever the tests said:
    // the grader fails a run whose check found a violation.
    (void)kdebug::check_invariants();
    (void)sigma0::request_io(api::IoFpage::make(kDebugExitPort, 2));
    asm volatile("outb %0, %1" : : "a"(status), "Nd"(kDebugExitPort));
    printf("%s: the write to port 0x%x did not end the run\n", who, kDebugExitPort);
    sleep_forever();
}

}  // namespace l4
