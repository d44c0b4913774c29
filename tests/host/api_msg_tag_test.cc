// api_msg_tag_test.cc: message tags and the kernel's message labels (kernel/api/msg_tag.h).
#include <catch2/catch.hpp>

#include "api/msg_tag.h"

using api::MsgFlag;
using api::MsgTag;
using api::Rights;

TEST_CASE("msg tag: fields round-trip", "[api][msg_tag]") {
    for (unsigned u : {0u, 1u, 2u, 12u, 63u}) {
        for (unsigned t : {0u, 2u, 4u, 63u}) {
            for (unsigned label : {0u, 1u, 0x1234u, 0x7FFFu, 0xFFE0u, 0xFFFFu}) {
                MsgTag tag = MsgTag::make(static_cast<uint16_t>(label), u, t);
                CHECK(tag.untyped() == u);
                CHECK(tag.typed() == t);
                CHECK(tag.label() == label);
                CHECK(tag.words() == u + t);
                CHECK(MsgTag::from_raw(tag.raw()) == tag);
                CHECK_FALSE(tag.has(MsgFlag::Error));
            }
        }
    }
}

TEST_CASE("msg tag: known bit patterns", "[api][msg_tag]") {
    // label 0x1234, u = 3, t = 2: 0x1234 << 16 | 2 << 6 | 3
    CHECK(MsgTag::make(0x1234, 3, 2).raw() == 0x12340083);
    CHECK(MsgTag::from_raw(0x12340083).untyped() == 3);
    CHECK(MsgTag::from_raw(0x12340083).typed() == 2);
    CHECK(MsgTag::nil().raw() == 0);
    CHECK(MsgTag::error_tag().raw() == 0x8000);
}

TEST_CASE("msg tag: flags are bits 12..15", "[api][msg_tag]") {
    MsgTag tag = MsgTag::make(7, 1, 0);
    CHECK(tag.with(MsgFlag::Propagated).raw() == (tag.raw() | 0x1000));
    CHECK(tag.with(MsgFlag::Redirected).raw() == (tag.raw() | 0x2000));
    CHECK(tag.with(MsgFlag::CrossCpu).raw() == (tag.raw() | 0x4000));
    CHECK(tag.with(MsgFlag::Error).raw() == (tag.raw() | 0x8000));
    MsgTag all = MsgTag::from_raw(tag.raw() | 0xF000);
    CHECK(all.has(MsgFlag::Propagated));
    CHECK(all.has(MsgFlag::CrossCpu));
    CHECK(all.without(MsgFlag::Error).raw() == (tag.raw() | 0x7000));
    CHECK(all.without_flags() == tag);
    // Passing a sender's tag on keeps only p.
    CHECK(all.without_receive_flags().raw() == (tag.raw() | 0x1000));
}

TEST_CASE("msg tag: message size limits", "[api][msg_tag]") {
    CHECK(MsgTag::make(0, 63, 0).fits_in_mrs());
    CHECK(MsgTag::make(0, 61, 2).fits_in_mrs());
    CHECK_FALSE(MsgTag::make(0, 62, 2).fits_in_mrs());
    CHECK_FALSE(MsgTag::make(0, 63, 63).fits_in_mrs());
    // Counts keep their low 6 bits only.
    CHECK(MsgTag::make(0, 64, 0).untyped() == 0);
}

TEST_CASE("msg tag: protocol labels are 16-bit negatives shifted by 4", "[api][msg_tag]") {
    CHECK(api::kLabelInterrupt == 0xFFF0);
    CHECK(api::kLabelPageFault == 0xFFE0);
    CHECK(api::kLabelPreemption == 0xFFD0);
    CHECK(api::kLabelSyscallException == 0xFFC0);
    CHECK(api::kLabelException == 0xFFB0);
    CHECK(api::kLabelSigma0 == 0xFFA0);
    CHECK(api::kLabelIoFault == 0xFF80);
    CHECK(MsgTag::make(api::kLabelPageFault, 2, 0).signed_label() == -2 << 4);
    CHECK(MsgTag::make(api::kLabelSigma0, 2, 0).signed_label() == -6 << 4);
    // In the whole MR0 word the label reads as n << 20.
    CHECK(static_cast<int32_t>(MsgTag::make(api::kLabelIoFault, 0, 0).raw()) == -8 << 20);
}

TEST_CASE("msg tag: fault messages carry the access rights in the label", "[api][msg_tag]") {
    for (Rights r : {Rights::None, Rights::Read, Rights::Write, Rights::Execute, Rights::ReadWrite, Rights::Full}) {
        MsgTag pf = api::page_fault_tag(r);
        CHECK(pf.untyped() == 2);
        CHECK(pf.typed() == 0);
        CHECK(api::is_fault_label(pf.label(), api::kLabelPageFault));
        CHECK_FALSE(api::is_fault_label(pf.label(), api::kLabelIoFault));
        CHECK(api::fault_access(pf.label()) == r);

        MsgTag io = api::io_fault_tag(r);
        CHECK(api::is_fault_label(io.label(), api::kLabelIoFault));
        CHECK(api::fault_access(io.label()) == r);
    }
    // A write fault: label 0xFFE2, two untyped words.
    CHECK(api::page_fault_tag(Rights::Write).raw() == 0xFFE20002);
    // Pistachio's IO fault asks for read and write.
    CHECK(api::io_fault_tag(Rights::ReadWrite).raw() == 0xFF860002);
    CHECK_FALSE(api::is_fault_label(api::kLabelSigma0, api::kLabelPageFault));
}

TEST_CASE("msg tag: exception and interrupt messages", "[api][msg_tag]") {
    CHECK(api::exception_tag().label() == api::kLabelException);
    CHECK(api::exception_tag().untyped() == 12);
    CHECK(api::exception_tag().raw() == 0xFFB0000C);
    CHECK(api::interrupt_tag().raw() == 0xFFF00000);
}
