// space.h: the address-space system calls: SpaceControl and Unmap.
//
// IA32 register conventions at the KIP stubs:
//   SpaceControl  in EAX space specifier, ECX control, EDX KIP area, ESI UTCB area,
//                 EDI redirector; out EAX result (1 ok, 0 error), ECX old control
//   Unmap         in EAX control, ESI MR0, EDI UTCB pointer; out ESI MR0. The fpages are
//                 in MR0 .. MRk (k = control & 0x3F); each comes back with the status
//                 bits (referenced r, dirty w, executed x) of the pages it covered.
#pragma once

#include "api/fpage.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace l4 {

using api::Fpage;
using api::ThreadId;
using api::Word;

Word space_control(ThreadId space, Word control, Fpage kip_area, Fpage utcb_area, ThreadId redirector,
                   Word* old_control = nullptr);

/// Unmap control: f (flush: also from the caller's own space) and k (fpages in MR0..MRk).
inline constexpr Word kUnmapFlush = 1 << 6;
void unmap(Word control);

/// Unmap one fpage (revoking the rights set in it; no rights: only read the status
/// bits); returns the fpage with its status bits.
Fpage unmap_fpage(Fpage fpage, bool flush);

}  // namespace l4
