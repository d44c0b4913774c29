// space_control_tests.cc: SpaceControl's control word and redirector (X.2, IA32 ABI).
//
// The IA32 control word: bit 31 set asks to change the space's small-space setting
// to bits 7..0 (0: a large space); the call returns the setting the space has. The
// kernel has no small spaces, and no IPC redirection: it must say so through the
// call's result (0, ErrorCode InvalidParam) and do nothing else of that call, never
// succeed without doing what was asked.
//
//   l4.space.control_word   a small space and a redirector are refused, nothing of
//                           the call happens; large-space requests, nil and
//                           anythread redirectors are done, and the control word
//                           returned is 0 (large)
#include "api/error.h"
#include "api/fpage.h"
#include "l4/kip.h"
#include "l4/space.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Error;
using api::Fpage;

constexpr Word kChangeSmallSpace = Word{1} << 31;
constexpr Word kUntouched = 0x5A5A5A5A;  // what the returned control word holds if the kernel wrote none

Fpage kip_area() { return Fpage::memory(l4::kip_base(), l4::kip().kip_area_info.log2_size(), api::Rights::None); }
Fpage utcb_area() { return Fpage::memory(kChildUtcbArea, kChildUtcbAreaLog2, api::Rights::None); }
/// Another UTCB area: had a refused call set it, the later call with utcb_area() would
/// be refused as a change of the areas.
Fpage other_utcb_area() {
    return Fpage::memory(kChildUtcbArea + (Word{1} << kChildUtcbAreaLog2), kChildUtcbAreaLog2, api::Rights::None);
}

/// SpaceControl on the space of `id`; *control gets the control word returned.
Word control_space(ThreadId id, Word control, Fpage kip, Fpage utcb, ThreadId redirector, Word* old) {
    *old = kUntouched;
    return l4::space_control(id, control, kip, utcb, redirector, old);
}

}  // namespace

void test_space_control_word(TestContext& t) {
    ThreadId id = new_thread_id();
    CHECK(t, l4::thread_control(id, id, main_thread(), ThreadId::nil(), l4::kNoChange) == 1,
          "ThreadControl (a new space) failed, ErrorCode %u", unsigned(l4::error_code()));
    Word old = 0;
    // (1) A small space, with areas: refused, and the areas are not set either.
    Word result = control_space(id, kChangeSmallSpace | 0x22, kip_area(), other_utcb_area(), ThreadId::any(), &old);
    Word error = l4::error_code();
    bool refused = result == 0 && error == Word(Error::InvalidParam) && old == 0;
    // (2) A redirector: refused too.
    Word redirected = control_space(id, 0, kip_area(), other_utcb_area(), main_thread(), &old);
    bool redirect_refused = redirected == 0 && l4::error_code() == Word(Error::InvalidParam);
    // (3) Other areas with a large space asked for explicitly: done (refused as a
    // change of areas had (1) or (2) set theirs).
    Word large = control_space(id, kChangeSmallSpace | 0, kip_area(), utcb_area(), ThreadId::any(), &old);
    Word large_error = l4::error_code();
    Word large_old = old;
    // (4) Control bits without bit 31 change nothing and are accepted; nil redirector.
    Word plain = control_space(id, 0x22, Fpage::nil(), Fpage::nil(), ThreadId::nil(), &old);
    Word plain_old = old;
    // (5) A small space on the configured space: refused, the space stays as it is.
    Word later = control_space(id, kChangeSmallSpace | 0x11, Fpage::nil(), Fpage::nil(), ThreadId::nil(), &old);
    Word later_error = l4::error_code();
    (void)l4::thread_control(id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    CHECK(t, refused, "SpaceControl asking for a small space: result %u, ErrorCode %u, control %x (expected 0, "
          "InvalidParam %u, 0: the space is large)", unsigned(result), unsigned(error), unsigned(old),
          unsigned(Error::InvalidParam));
    CHECK(t, redirect_refused, "SpaceControl with a redirector (not implemented) was not refused with InvalidParam");
    CHECK(t, large == 1 && large_old == 0, "SpaceControl with the areas and a large space: result %u, ErrorCode %u, "
          "control %x", unsigned(large), unsigned(large_error), unsigned(large_old));
    CHECK(t, plain == 1 && plain_old == 0, "SpaceControl with control bits but not bit 31: result %u, control %x",
          unsigned(plain), unsigned(plain_old));
    CHECK(t, later == 0 && later_error == Word(Error::InvalidParam),
          "SpaceControl asking a configured space to be small: result %u, ErrorCode %u", unsigned(later),
          unsigned(later_error));
}

}  // namespace l4test
