// local_thread.cc: see local_thread.h.
#include "l4/local_thread.h"

#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/thread.h"
#include "l4/utcb.h"

namespace l4 {

namespace {

[[noreturn]] void local_thread_entry(void (*function)(api::Word), api::Word arg) {
    function(arg);
    sleep_forever();
}

}  // namespace

ThreadStart prepare_thread_start(char* stack, size_t stack_size, void (*function)(api::Word), api::Word arg) {
    // As if local_thread_entry(function, arg) had just been called: a return address
    // (none), then the two arguments.
    api::Word* sp = reinterpret_cast<api::Word*>(stack + stack_size) - 4;
    sp[0] = 0;
    sp[1] = reinterpret_cast<api::Word>(function);
    sp[2] = arg;
    return ThreadStart{reinterpret_cast<api::Word>(&local_thread_entry), reinterpret_cast<api::Word>(sp)};
}

bool start_local_thread(api::ThreadId id, api::ThreadId main, unsigned cpu, unsigned utcb_slot, char* stack,
                        size_t stack_size, void (*function)(api::Word), api::Word arg, const char** step) {
    api::Word utcb_size = kip().utcb_info.utcb_size();
    api::Word utcb = api::utcb_location(reinterpret_cast<api::Word>(utcb_pointer())) + utcb_slot * utcb_size;
    if (thread_control(id, main, main, pager(), utcb) != 1) {
        *step = "ThreadControl";
        return false;
    }
    if (set_processor(id, cpu) == schedule_result::kError) {
        *step = "Schedule";
        return false;
    }
    ThreadStart start = prepare_thread_start(stack, stack_size, function, arg);
    ThreadRegisters regs;
    regs.sp = start.sp;
    regs.ip = start.ip;
    regs.control = exreg::kSetSp | exreg::kSetIp | exreg::kHaltFlag | exreg::kCancelReceive | exreg::kCancelSend;
    if (exchange_registers(id, regs).is_nil()) {
        *step = "ExchangeRegisters";
        return false;
    }
    return true;
}

}  // namespace l4
