// system.h: SystemClock, ProcessorControl and MemoryControl.
//
// IA32 register conventions at the KIP stubs:
//   SystemClock       out EDX:EAX microseconds (64 bits); ESI, EDI, ECX clobbered
//   ProcessorControl  in EAX processor, ECX internal frequency, EDX external frequency,
//                     ESI voltage; out EAX result
//   MemoryControl     in EAX control, ECX/EDX/EBX/EBP attributes 0..3, ESI MR0, EDI UTCB
//                     pointer; out EAX result. The fpages are in MR0 .. MRk (k = control
//                     & 0x3F), each with an attribute index in its low bits.
// ProcessorControl and MemoryControl are privileged: from any space but the initial
// ones they fail with ErrorCode 1 (no privilege).
#pragma once

#include <stdint.h>

#include "api/word.h"

namespace l4 {

using api::Word;

[[nodiscard]] uint64_t system_clock();
Word processor_control(Word processor, Word internal_frequency, Word external_frequency, Word voltage);
Word memory_control(Word control, const Word attributes[4]);

}  // namespace l4
