// sigma0_tests.cc: what sigma0 promises its clients (docs/user-boot.md, docs/kip-numa.md):
// each page goes to one address space, the kernel's memory is never handed out, and a
// request can name the NUMA node its page must be on.
//
// The node requests are built here word by word, as the X.2 sigma0 protocol lays them
// out (userland/sigma0/server.h): label -6 << 4, MR1 the fpage wanted (base ~0: any page
// of that size), MR2 the attributes; Proxima's bit 31 in MR2 says "on node MR2 & 0xFF".
// The answer is one map item whose fpage is nil when sigma0 refuses. Node memory is
// what the KIP's ProximaNode descriptors (type 0xD, subtype = node) say it is.
#include "api/fpage.h"
#include "api/kip_descriptors.h"
#include "api/map_item.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/sigma0_client.h"
#include "layout.h"
#include "root_memory.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Fpage;
using api::MemoryDescriptor;
using api::MemoryType;
using api::Rights;

using l4::sigma0::kAnyBase;
using l4::sigma0::on_node;
constexpr unsigned kMaxNodes = MemoryDescriptor::kMaxDescribedNodes;
constexpr unsigned kPagesPerNode = 6;
constexpr uint16_t kReportLabel = 0x5A0;

/// A sigma0 request with attributes, received into `window`: the fpage of the answer's
/// map item (nil: refused); `*answered` says whether a map item came back at all.
Fpage ask_sigma0(Fpage wanted, Word attributes, Fpage window, bool* answered) {
    l4::load_words(api::kLabelSigma0, {wanted.raw(), attributes});
    l4::accept(window);
    api::MsgTag tag = l4::call(l4::sigma0_id(), l4::milliseconds(5000), l4::milliseconds(5000));
    l4::accept(Fpage::nil());
    *answered = !l4::ipc_failed(tag) && tag.typed() >= api::kMapItemWords;
    return *answered ? Fpage::from_raw(l4::mr(tag.untyped() + 2)) : Fpage::nil();
}

/// Does a ProximaNode descriptor of `node` hold all of [address, address + size)?
bool inside_node(Word address, Word size, unsigned node) {
    for (Word i = 0; i < l4::kip().memory_info.count(); ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_node_memory() && d.node() == node && d.low() <= address && address + (size - 1) <= d.high())
            return true;
    }
    return false;
}

/// Bytes of memory the KIP gives `node` (0: the node has no memory).
uint64_t node_bytes(unsigned node) {
    uint64_t bytes = 0;
    for (Word i = 0; i < l4::kip().memory_info.count(); ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_node_memory() && d.node() == node) bytes += d.size();
    }
    return bytes;
}

/// The type of the last physical, non-node descriptor that covers `address` (the one
/// that counts), or Undefined if none does.
MemoryType kind_at(Word address) {
    MemoryType kind = MemoryType::Undefined;
    for (Word i = 0; i < l4::kip().memory_info.count(); ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (!d.is_virtual() && !d.is_node_memory() && d.low() <= address && address <= d.high()) kind = d.type();
    }
    return kind;
}

/// Runs in another address space: asks sigma0 for the page at `physical` and reports
/// the answer's fpage (and whether one came) to the root task's main thread.
void ask_from_other_space(Word physical) {
    bool answered = false;
    Fpage window = Fpage::memory(test_window_slot(12), 12, Rights::None);
    Fpage got = ask_sigma0(Fpage::memory(physical, 12, Rights::Full), 0, window, &answered);
    l4::load_words(kReportLabel, {got.raw(), answered ? Word{1} : Word{0}});
    l4::send(main_thread(), l4::milliseconds(5000));
}

}  // namespace

void test_sigma0_once(TestContext& t) {
    // (1) The root task takes a conventional page by address: the lowest it can have.
    Word physical = 0, address = 0;
    for (Word i = 0; i < l4::kip().memory_info.count() && address == 0; ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_virtual() || d.type() != MemoryType::Conventional) continue;
        Word first = (d.low() + kPageSize - 1) & ~(kPageSize - 1);
        for (Word page = first; page < first + 64 * kPageSize && page + (kPageSize - 1) <= d.high(); page += kPageSize)
            if ((address = get_physical_page(page)) != 0) {
                physical = page;
                break;
            }
    }
    CHECK(t, address != 0, "sigma0 gave the root task no conventional page by address");
    *reinterpret_cast<volatile Word*>(address) = 0x51690001;

    // (2) Another address space asks for the same page: refused.
    TestSpace space;
    CHECK(t, space.create(ask_from_other_space, physical), "create space: %s", space.error());
    api::MsgTag report = l4::receive(space.id(), nullptr, l4::milliseconds(5000));
    CHECK(t, !l4::ipc_failed(report) && report.label() == kReportLabel, "no report from the other space (ErrorCode %x)",
          l4::error_code());
    CHECK(t, l4::mr(2) == 1, "the other space's sigma0 request got no answer");
    CHECK(t, Fpage::from_raw(l4::mr(1)).is_nil(), "sigma0 gave page %x to a second address space (fpage %x)",
          physical, l4::mr(1));

    // (3) The root task asks again: it still owns the page, and its data is intact.
    CHECK(t, get_physical_page(physical) == address, "sigma0 refused the page %x to its owner's second request",
          physical);
    CHECK(t, *reinterpret_cast<volatile Word*>(address) == 0x51690001, "the page %x changed", physical);
}

void test_sigma0_node(TestContext& t) {
    unsigned with_memory = 0;
    Word page_of[kMaxNodes] = {};
    for (unsigned node = 0; node < kMaxNodes; ++node) {
        bool answered = false;
        Fpage any = Fpage::memory(kAnyBase, 12, Rights::Full);
        if (node_bytes(node) == 0) {
            // (1) A node without memory has no page to give.
            Fpage got = ask_sigma0(any, on_node(node), sigma0_window(), &answered);
            CHECK(t, answered, "no answer to a request on node %u", node);
            CHECK(t, got.is_nil(), "node %u has no memory, but sigma0 gave %x for it", node, got.address());
            continue;
        }
        ++with_memory;
        // (2) Pages of a node with memory lie in that node's ranges, and are usable.
        for (unsigned i = 0; i < kPagesPerNode; ++i) {
            Fpage got = ask_sigma0(any, on_node(node), sigma0_window(), &answered);
            CHECK(t, answered, "no answer to request %u on node %u", i, node);
            CHECK(t, !got.is_nil() && got.log2_size() == 12, "request %u on node %u refused (fpage %x)", i, node,
                  got.raw());
            CHECK(t, inside_node(got.address(), kPageSize, node), "page %x is not on node %u", got.address(), node);
            volatile Word* word = reinterpret_cast<volatile Word*>(window_address(got.address()));
            *word = got.address() ^ node;
            CHECK(t, *word == (got.address() ^ node), "page %x of node %u does not hold a word", got.address(), node);
            page_of[node] = got.address();
        }
        // (3) No free block of 1 GiB on a node that has less.
        if (node_bytes(node) < (uint64_t{1} << 30)) {
            Fpage huge =
                ask_sigma0(Fpage::memory(kAnyBase, 30, Rights::Full), on_node(node), sigma0_window(), &answered);
            CHECK(t, answered && huge.is_nil(), "sigma0 gave 1 GiB (%x) on node %u, which has less", huge.raw(), node);
        }
    }
    CHECK(t, with_memory > 0, "the KIP has no ProximaNode memory descriptors");
    // (4) By address: the owner gets its page again on its own node, never on another.
    for (unsigned node = 0; node < kMaxNodes; ++node) {
        if (page_of[node] == 0) continue;
        bool answered = false;
        Fpage page = Fpage::memory(page_of[node], 12, Rights::Full);
        Fpage again = ask_sigma0(page, on_node(node), sigma0_window(), &answered);
        CHECK(t, answered && !again.is_nil(), "page %x refused to its owner on its node %u", page_of[node], node);
        unsigned other = (node + 1) % kMaxNodes;
        for (unsigned n = 0; n < kMaxNodes; ++n)
            if (n != node && page_of[n] != 0) other = n;
        Fpage elsewhere = ask_sigma0(page, on_node(other), sigma0_window(), &answered);
        CHECK(t, answered && elsewhere.is_nil(), "page %x of node %u given as a page on node %u", page_of[node], node,
              other);
    }
    t.note("sigma0 node requests: %u node(s) with memory, %u page(s) each", with_memory, kPagesPerNode);
}

void test_sigma0_not_owned(TestContext& t) {
    bool answered = false;
    unsigned reserved = 0;
    // (1) The KIP's Reserved ranges (the kernel, the sigma0 and root-task images): their
    // first and last pages, by address, with and without a node.
    for (Word i = 0; i < l4::kip().memory_info.count(); ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_virtual() || d.type() != MemoryType::Reserved) continue;
        ++reserved;
        const Word ends[2] = {d.low() & ~(kPageSize - 1), d.high() & ~(kPageSize - 1)};
        for (Word page : ends) {
            Fpage got = ask_sigma0(Fpage::memory(page, 12, Rights::Full), 0, sigma0_window(), &answered);
            CHECK(t, answered && got.is_nil(), "sigma0 gave reserved page %x (fpage %x)", page, got.raw());
            for (unsigned node = 0; node < kMaxNodes; ++node) {
                if (!inside_node(page, kPageSize, node)) continue;
                got = ask_sigma0(Fpage::memory(page, 12, Rights::Full), on_node(node), sigma0_window(), &answered);
                CHECK(t, answered && got.is_nil(), "sigma0 gave reserved page %x on node %u", page, node);
            }
        }
    }
    CHECK(t, reserved >= 1, "the KIP has no Reserved memory descriptor");
    // (2) Node RAM that no later descriptor gives sigma0 (the kernel's own pools): refused.
    unsigned pool_pages = 0;
    for (Word i = 0; i < l4::kip().memory_info.count() && pool_pages < 4; ++i) {
        MemoryDescriptor d = l4::memory_descriptor(i);
        if (!d.is_node_memory()) continue;
        for (Word page = d.low(); page + (kPageSize - 1) <= d.high() && pool_pages < 4; page += kPageSize) {
            if (kind_at(page) != MemoryType::Undefined || kind_at(page + kPageSize - 1) != MemoryType::Undefined)
                continue;
            ++pool_pages;
            Fpage got = ask_sigma0(Fpage::memory(page, 12, Rights::Full), 0, sigma0_window(), &answered);
            CHECK(t, answered && got.is_nil(), "sigma0 gave the kernel's page %x (fpage %x)", page, got.raw());
        }
    }
    // (3) No RAM at all: the last page below 2 GiB on these presets, and above 2 GiB.
    const Word beyond[2] = {0x7FFFF000, 0xE0000000};
    for (Word page : beyond) {
        if (kind_at(page) != MemoryType::Undefined) continue;
        Fpage got = ask_sigma0(Fpage::memory(page, 12, Rights::Full), 0, sigma0_window(), &answered);
        CHECK(t, answered && got.is_nil(), "sigma0 gave %x, where there is no memory (fpage %x)", page, got.raw());
    }
    t.note("sigma0 refused %u reserved range(s) and %u kernel pool page(s)", reserved, pool_pages);
}

}  // namespace l4test

namespace l4test {

// Device memory (Dedicated): the VGA window is sigma0's, given by address; the
// local APIC's page stays the kernel's.
void test_sigma0_device(TestContext& t) {
    constexpr Word kVgaText = 0xB8000;
    constexpr Word kLocalApic = 0xFEE00000;
    Word address = get_physical_page(kVgaText);
    CHECK(t, address != 0, "sigma0 refused the VGA text page %x (Dedicated device memory)", kVgaText);
    volatile Word* cell = reinterpret_cast<volatile Word*>(address);
    Word old = *cell;
    *cell = 0x1F501F50;  // "PP", white on blue
    CHECK(t, *cell == 0x1F501F50, "the VGA text page did not keep what was written");
    *cell = old;
    CHECK(t, get_physical_page(kLocalApic) == 0, "sigma0 gave out the local APIC page %x", kLocalApic);
}

}  // namespace l4test
