// api_utcb_test.cc: the IA32 UTCB layout (kernel/api/utcb.h).
#include <catch2/catch.hpp>

#include <cstring>

#include "api/utcb.h"

using api::Utcb;

namespace {

// Byte offset of `field` from the UTCB pointer (the address of MR0).
long offset_from_pointer(const Utcb& u, const void* field) {
    return static_cast<const char*>(field) - reinterpret_cast<const char*>(&u.mr[0]);
}

}  // namespace

TEST_CASE("utcb: 512 bytes, 512-aligned, pointer 256 bytes in", "[api][utcb]") {
    CHECK(sizeof(Utcb) == 512);
    CHECK(alignof(Utcb) == 512);
    Utcb u{};
    CHECK(reinterpret_cast<uintptr_t>(&u) % 512 == 0);
    CHECK(offset_from_pointer(u, &u) == -256);
    CHECK(api::utcb_pointer(0x00800000) == 0x00800100);
    CHECK(api::utcb_location(0x00800100) == 0x00800000);
    CHECK(api::is_valid_utcb_location(0x00800200));
    CHECK_FALSE(api::is_valid_utcb_location(0x00800100));
    // The pointer is a valid local thread id.
    CHECK(api::ThreadId::try_local(api::utcb_pointer(0x00800200)).ok());
}

TEST_CASE("utcb: message and buffer registers", "[api][utcb]") {
    Utcb u{};
    for (unsigned i = 0; i < api::kNumMessageRegisters; ++i) {
        CHECK(offset_from_pointer(u, &u.mr[i]) == 4 * static_cast<long>(i));
        CHECK(api::utcb_offset::mr(i) == 4 * static_cast<int>(i));
    }
    for (unsigned i = 0; i < api::kNumBufferRegisters; ++i) {
        CHECK(offset_from_pointer(u, &u.br(i)) == -64 - 4 * static_cast<long>(i));
        CHECK(api::utcb_offset::br(i) == -64 - 4 * static_cast<int>(i));
    }
    u.br(0) = 0x11;
    u.br(32) = 0x22;
    CHECK(u.br_descending[32] == 0x11);
    CHECK(u.br_descending[0] == 0x22);
    const Utcb& cu = u;
    CHECK(cu.br(0) == 0x11);
}

TEST_CASE("utcb: thread control registers at their X.2 offsets", "[api][utcb]") {
    Utcb u{};
    namespace off = api::utcb_offset;
    CHECK(offset_from_pointer(u, &u.my_global_id) == off::kMyGlobalId);
    CHECK(off::kMyGlobalId == -60);
    CHECK(offset_from_pointer(u, &u.processor_no) == -56);
    CHECK(offset_from_pointer(u, &u.user_defined_handle) == -52);
    CHECK(offset_from_pointer(u, &u.pager) == -48);
    CHECK(offset_from_pointer(u, &u.exception_handler) == -44);
    CHECK(offset_from_pointer(u, &u.preempt_flags) == -40);
    CHECK(offset_from_pointer(u, &u.cop_flags) == -39);
    CHECK(offset_from_pointer(u, &u.error_code) == -36);
    CHECK(offset_from_pointer(u, &u.xfer_timeouts) == -32);
    CHECK(offset_from_pointer(u, &u.intended_receiver) == -28);
    CHECK(offset_from_pointer(u, &u.virtual_sender) == -24);
    // Pistachio's vregs.h: ThreadWord0 at word -4, ThreadWord1 at word -5.
    CHECK(offset_from_pointer(u, &u.thread_word0) == -4 * 4);
    CHECK(offset_from_pointer(u, &u.thread_word1) == -5 * 4);
}

TEST_CASE("utcb: the words land where a user library reads them", "[api][utcb]") {
    // Fill the UTCB through the struct, read it back as raw words the way Pistachio's
    // user library does: ((Word*) utcb_pointer)[index].
    Utcb u{};
    u.my_global_id = api::ThreadId::global(0x42, 2);
    u.pager = api::ThreadId::global(0x40, 1);
    u.error_code = 0xE;
    u.xfer_timeouts = api::Timeouts::make(api::Time::zero(), api::Time::never());
    u.thread_word0 = 0xAAAA;
    u.thread_word1 = 0xBBBB;
    u.preempt_flags = api::kPreemptDelay;
    u.cop_flags = 1 << 2;
    u.mr[0] = 0x1234;
    u.br(0) = 0x10;

    unsigned char bytes[sizeof(Utcb)];
    std::memcpy(bytes, &u, sizeof(bytes));
    auto word = [&](int index) {
        api::Word w;
        std::memcpy(&w, bytes + api::kUtcbPointerOffset + 4 * index, 4);
        return w;
    };
    CHECK(word(-15) == api::ThreadId::global(0x42, 2).raw());  // __L4_TCR_MY_GLOBAL_ID
    CHECK(word(-12) == api::ThreadId::global(0x40, 1).raw());  // __L4_TCR_PAGER
    CHECK(word(-9) == 0xE);                                    // __L4_TCR_ERROR_CODE
    CHECK(word(-8) == 0x04000000);                             // __L4_TCR_XFER_TIMEOUT
    CHECK(word(-4) == 0xAAAA);                                 // __L4_TCR_THREAD_WORD_0
    CHECK(word(-5) == 0xBBBB);
    CHECK(word(0) == 0x1234);
    CHECK(word(-16) == 0x10);                                  // BR0
    // L4_DisablePreemption sets bit 6, L4_Set_CopFlag(n) bit 8 + n, of word -10.
    CHECK(word(-10) == ((1u << 6) | (1u << (8 + 2))));
}
