// root_memory.cc: sigma0 requests into the sigma0 window (layout.h).
#include "root_memory.h"

#include "l4/sigma0_client.h"
#include "layout.h"

namespace l4test {

Word window_address(Word physical) {
    return kSigma0Window + (physical & ((Word{1} << kSigma0WindowLog2) - 1));
}

Word get_page(Word* physical) {
    api::Fpage page = l4::sigma0::request_any(12, sigma0_window());
    if (page.is_nil()) return 0;
    if (physical != nullptr) *physical = page.address();
    return window_address(page.address());
}

Word get_physical_page(Word physical) {
    Word base = physical & ~(kPageSize - 1);
    api::Fpage page = l4::sigma0::request(api::Fpage::memory(base, 12, api::Rights::Full), sigma0_window());
    return page.is_nil() ? 0 : window_address(base);
}

}  // namespace l4test
