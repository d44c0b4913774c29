// test_space.cc: creating and deleting address spaces (steps in test_space.h).
#include "test_space.h"

#include "api/fpage.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/space.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "pager.h"

namespace l4test {

namespace {

constexpr unsigned kMaxSpaces = 6;
constexpr unsigned kStackSize = 8192;

alignas(4096) char g_stacks[kMaxSpaces][kStackSize];
bool g_slot_used[kMaxSpaces];

}  // namespace

bool TestSpace::create(ThreadFunction function, Word arg) {
    for (unsigned i = 0; i < kMaxSpaces && m_slot < 0; ++i)
        if (!g_slot_used[i]) m_slot = static_cast<int>(i);
    if (m_slot < 0) {
        l4::snprintf(m_error, sizeof m_error, "no free space slot");
        return false;
    }
    g_slot_used[m_slot] = true;
    ThreadId id = new_thread_id();
    ThreadId me = main_thread();
    if (l4::thread_control(id, id, me, ThreadId::nil(), l4::kNoChange) != 1) {
        l4::snprintf(m_error, sizeof m_error, "ThreadControl (new space) failed, ErrorCode %u", l4::error_code());
        destroy();
        return false;
    }
    m_id = id;
    api::Fpage kip_area = api::Fpage::memory(l4::kip_base(), l4::kip().kip_area_info.log2_size(), api::Rights::None);
    api::Fpage utcb_area = api::Fpage::memory(kChildUtcbArea, kChildUtcbAreaLog2, api::Rights::None);
    if (l4::space_control(id, 0, kip_area, utcb_area, ThreadId::any()) != 1) {
        l4::snprintf(m_error, sizeof m_error, "SpaceControl failed, ErrorCode %u", l4::error_code());
        destroy();
        return false;
    }
    if (l4::thread_control(id, id, me, pager_thread(), kChildUtcbArea) != 1) {
        l4::snprintf(m_error, sizeof m_error, "ThreadControl (activate) failed, ErrorCode %u", l4::error_code());
        destroy();
        return false;
    }
    Word ip;
    Word sp = prepare_stack(g_stacks[m_slot] + kStackSize, function, arg, &ip);
    if (!start_through_pager(id, ip, sp)) {
        l4::snprintf(m_error, sizeof m_error, "the pager could not send the start message");
        destroy();
        return false;
    }
    return true;
}

void TestSpace::destroy() {
    if (!m_id.is_nil())
        (void)l4::thread_control(m_id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    m_id = ThreadId::nil();
    if (m_slot >= 0) g_slot_used[m_slot] = false;
    m_slot = -1;
}

}  // namespace l4test
