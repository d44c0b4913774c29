// utcb.h: the calling thread's user thread control block, through %gs:0.
//
// The kernel points %gs at a segment whose first word holds the thread's UTCB pointer
// (= its local id); message registers sit at positive offsets from that pointer, buffer
// registers and thread control registers (TCRs) at negative ones. kernel/api/utcb.h
// draws the layout; these functions only find it and name the words.
//
// Nothing here is cached in memory: each thread of a space has its own UTCB, and %gs:0
// is the one place that knows which. Within one function the compiler may keep the
// pointer in a register (utcb_pointer() is not volatile): code runs on one thread, and
// a thread's UTCB never moves while it runs.
#pragma once

#include "api/error.h"
#include "api/thread_id.h"
#include "api/utcb.h"
#include "api/word.h"

namespace l4 {

using api::Word;

/// The UTCB pointer: MR0's address and the thread's local id.
[[nodiscard]] inline Word* utcb_pointer() {
    Word* pointer;
    asm("movl %%gs:0, %0" : "=r"(pointer));
    return pointer;
}

/// The whole UTCB as the struct of kernel/api/utcb.h.
[[nodiscard]] inline api::Utcb& utcb() {
    return *reinterpret_cast<api::Utcb*>(reinterpret_cast<char*>(utcb_pointer()) - api::kUtcbPointerOffset);
}

[[nodiscard]] inline Word mr(unsigned i) { return reinterpret_cast<volatile Word*>(utcb_pointer())[i]; }
inline void set_mr(unsigned i, Word value) { reinterpret_cast<volatile Word*>(utcb_pointer())[i] = value; }
[[nodiscard]] inline Word br(unsigned i) { return utcb().br(i); }
inline void set_br(unsigned i, Word value) { utcb().br(i) = value; }

[[nodiscard]] inline api::ThreadId my_global_id() { return utcb().my_global_id; }
[[nodiscard]] inline api::ThreadId my_local_id() {
    return api::ThreadId::from_raw(reinterpret_cast<Word>(utcb_pointer()));
}
[[nodiscard]] inline Word error_code() { return reinterpret_cast<volatile Word&>(utcb().error_code); }
[[nodiscard]] inline api::IpcErrorCode ipc_error() { return api::IpcErrorCode::from_raw(error_code()); }
[[nodiscard]] inline Word processor_no() { return utcb().processor_no; }
[[nodiscard]] inline api::ThreadId pager() { return utcb().pager; }
inline void set_pager(api::ThreadId id) { utcb().pager = id; }
inline void set_exception_handler(api::ThreadId id) { utcb().exception_handler = id; }
[[nodiscard]] inline Word user_defined_handle() { return utcb().user_defined_handle; }

}  // namespace l4
