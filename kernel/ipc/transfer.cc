// transfer.cc: copying a message from sender to receiver, with its map and
// grant items (L4 X.2 message transfer).
//
// A message is MR0 (the tag: label, u untyped words, t typed words) and
// MR1..MR(u+t). Untyped words are copied as they are. Typed words come in
// items of two words; a map or grant item names an fpage of the sender's
// space, and the receiver's acceptor (BR0) names the receive window where it
// lands. When the two differ in size, the smaller decides and the item's
// send base picks the place (X.2 "fpage mapping rules"):
//
//   fpage smaller than window:  fpage lands at window + (send base mod window
//                               size), rounded down to the fpage size
//   fpage larger than window:   only the part of the fpage at (send base mod
//                               fpage size), rounded down to the window
//                               size, lands, filling the window
//
// The kernel reads both sides' words through its own addresses of their
// UTCBs (or the kernel buffer m_kmsg of fault messages), so no address space
// switch is needed, and this works the same from any CPU while the sender is
// blocked. String items are not supported: they are copied as words and
// move no memory.
#include "api/acceptor.h"
#include "api/map_item.h"
#include "arch/arch.h"
#include "arch/user.h"
#include "ipc/ipc.h"
#include "mm/mappings.h"
#include "lib/console.h"
#include "mm/space.h"

namespace ipc {

using thread::Tcb;

namespace {

struct Window {
    uint64_t address;
    uint64_t size;  // 0: accepts nothing
};

/// The complete address space as a window: 4 GiB, a power of two as every fpage is,
/// so that a send base lands at itself (the user part is 3 GiB, which is not; masking
/// with it would drop bit 30 of every send base). transfer_item refuses a landing in
/// the kernel's top GiB.
constexpr Window kCompleteWindow{0, uint64_t{1} << 32};

Window receive_window(Tcb* receiver) {
    if (receiver->m_receive_to_kernel) return kCompleteWindow;
    api::Fpage window = api::Acceptor::from_raw(receiver->m_utcb->br(0)).receive_window();
    if (window.is_nil()) return {0, 0};
    if (window.is_complete()) return kCompleteWindow;
    if (!window.is_valid_memory() && !window.is_io()) return {0, 0};
    return {window.address(), window.size()};
}

void transfer_io(Tcb* sender, Tcb* receiver, api::Fpage fpage, bool grant) {
    api::Result<api::IoFpage> io = api::IoFpage::try_from(fpage);
    if (!io.ok()) return;
    if (!receiver->m_receive_to_kernel) {
        // A user receiver accepts IO fpages with the complete window or an IO window
        // (an IO fault's reply goes to the kernel, which always accepts).
        api::Fpage window = api::Acceptor::from_raw(receiver->m_utcb->br(0)).receive_window();
        if (!(window.is_complete() || window.is_io())) return;
    }
    uint32_t first = io.value().first_port();
    uint32_t count = io.value().size();
    if (!sender->m_space->has_io_ports(first, count)) return;
    if (!receiver->m_space->try_grant_io_ports(first, count)) return;
    if (grant) sender->m_space->revoke_io_ports(first, count);
}

void transfer_item(Tcb* sender, Tcb* receiver, const api::MapItem& item) {
    api::Fpage fpage = item.fpage();
    if (fpage.is_io()) {
        transfer_io(sender, receiver, fpage, item.is_grant());
        return;
    }
    if (fpage.is_nil() || !fpage.is_valid_memory() || fpage.rights() == api::Rights::None) return;
    Window window = receive_window(receiver);
    if (window.size == 0) return;
    uint64_t from = fpage.address();
    uint64_t size = fpage.size();
    uint64_t to;
    if (size <= window.size) {
        to = window.address + (item.send_base() & (window.size - 1) & ~(size - 1));
    } else {
        uint64_t offset = item.send_base() & (size - 1) & ~(window.size - 1);
        from += offset;
        size = window.size;
        to = window.address;
    }
    // The top GiB is the kernel's; nothing of a space's own may be mapped there,
    // nor over the KIP and UTCB pages the kernel placed in the receiver's space.
    if (from + size > mm::kUserSpaceEnd || to + size > mm::kUserSpaceEnd) return;
    api::Fpage landing = api::Fpage::memory(api::Word(to), unsigned(__builtin_ctzll(size)), api::Rights::None);
    if (landing.overlaps(receiver->m_space->kip_area()) || landing.overlaps(receiver->m_space->utcb_area())) return;
    mm::MdbError result = mm::map(sender->m_space, uintptr_t(from), receiver->m_space, uintptr_t(to), size_t(size),
                                  fpage.rights(), item.is_grant());
    // X.2 has no error for this; say it on the console so it can be found.
    if (result == mm::MdbError::OutOfMemory)
        kprintf("ipc: out of kernel memory: a %s of %llx from %x to %x at %llx did not happen\n",
                item.is_grant() ? "grant" : "map", (unsigned long long)from, sender->m_global_id.raw(),
                receiver->m_global_id.raw(), (unsigned long long)to);
}

}  // namespace

void transfer(Tcb* sender, Tcb* receiver) {
    api::MsgTag tag = sender->m_send_tag;
    const api::Word* src = sender->m_send_from_kernel ? sender->m_kmsg : sender->m_utcb->mr;
    api::Word* dst = receiver->m_receive_to_kernel ? receiver->m_kmsg : receiver->m_utcb->mr;
    unsigned src_words = sender->m_send_from_kernel ? thread::kKernelMessageWords : api::kNumMessageRegisters;
    unsigned dst_words = receiver->m_receive_to_kernel ? thread::kKernelMessageWords : api::kNumMessageRegisters;
    unsigned room = (src_words < dst_words ? src_words : dst_words) - 1;
    unsigned untyped = tag.untyped() < room ? tag.untyped() : room;
    unsigned typed = tag.typed() < room - untyped ? tag.typed() : room - untyped;
    typed &= ~1u;  // items are two words

    arch::copy_words(dst + 1, src + 1, untyped);
    for (unsigned i = untyped + 1; i + 1 <= untyped + typed; i += 2) {
        api::Word word0 = src[i];
        api::Word word1 = src[i + 1];
        dst[i] = word0;
        dst[i + 1] = word1;
        api::Result<api::MapItem> item = api::MapItem::try_decode(word0, word1);
        if (item.ok() && sender->m_space != nullptr && receiver->m_space != nullptr)
            transfer_item(sender, receiver, item.value());
    }

    api::MsgTag received = api::MsgTag::make(tag.label(), untyped, typed);
    if (sender->cpu() != receiver->cpu()) received = received.with(api::MsgFlag::CrossCpu);
    receiver->m_received_tag = received;
    dst[0] = received.raw();
    bool local_name = receiver->m_receive_from.is_local() && sender->m_space == receiver->m_space;
    receiver->m_received_from = local_name ? sender->local_id() : sender->m_global_id;
}

void start_thread_from_message(Tcb* tcb) {
    arch::set_user_ip(tcb->user_frame(), tcb->m_kmsg[1]);
    arch::set_user_sp(tcb->user_frame(), tcb->m_kmsg[2]);
}

}  // namespace ipc
