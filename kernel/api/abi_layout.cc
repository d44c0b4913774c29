// abi_layout.cc: compiles every X.2 ABI header for the kernel's own target.
//
// The headers' static_asserts pin sizes and offsets that user programs rely on
// (UTCB, KIP, fpages, message tags). The host tests see them on a 64-bit host;
// this file makes the kernel build check them on IA32 too, where they matter.
#include "api/acceptor.h"
#include "api/error.h"
#include "api/fpage.h"
#include "api/kip.h"
#include "api/kip_descriptors.h"
#include "api/kip_info.h"
#include "api/map_item.h"
#include "api/msg_tag.h"
#include "api/rights.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "api/utcb.h"
#include "api/word.h"
