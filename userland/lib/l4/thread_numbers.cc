// thread_numbers.cc: see thread_numbers.h.
#include "l4/thread_numbers.h"

#include "l4/kip.h"

namespace l4 {

namespace {

api::Word next_version(api::Word version) {
    do version = (version + 1) & api::kMaxVersion;
    while ((version & 0x3F) == 0);  // a version with six zero low bits would read as a local id
    return version;
}

}  // namespace

api::ThreadId ThreadNumbers::allocate(api::Word first, api::Word limit) {
    api::Word bits_limit = api::Word{1} << kip().thread_info.number_bits();
    if (limit > bits_limit) limit = bits_limit;
    if (limit > kMaxNumbers) limit = kMaxNumbers;
    for (api::Word number = first; number < limit; ++number) {
        if (m_used[number]) continue;
        m_used[number] = true;
        m_version[number] = static_cast<uint16_t>(next_version(m_version[number]));
        return api::ThreadId::global(number, m_version[number]);
    }
    return api::ThreadId::nil();
}

void ThreadNumbers::release(api::ThreadId id) {
    if (id.number() < kMaxNumbers) m_used[id.number()] = false;
}

}  // namespace l4
