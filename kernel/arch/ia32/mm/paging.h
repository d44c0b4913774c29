// paging.h: IA32-only paging steps used during boot (see paging.cc).
#pragma once

#include <stdint.h>

namespace ia32 {

void drop_identity_map();
uint32_t kernel_page_directory_phys();

}  // namespace ia32
