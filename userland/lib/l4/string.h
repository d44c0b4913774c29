// string.h: the C string and memory functions for user programs: the kernel's
// own (kernel/lib/string.h), which the user library compiles in as well
// (mk/userland.mk). The compiler emits calls to memcpy and memset itself.
#pragma once

#include "lib/string.h"
