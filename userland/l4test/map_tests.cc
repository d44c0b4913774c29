// map_tests.cc: map, grant, unmap and access rights across address spaces.
//
// The thesis's Figure 2.2 chain: the root task gets a page from sigma0 and maps it to
// space A, A maps it on to B, B to C. Unmap in A takes the page from B and C (derived
// from A's mapping) but leaves it in A and the root task; a flush takes it from A too.
// An agent whose page is gone faults into the pager's test window, which answers with
// the marker page: so "reads kMarker and faulted" means "the mapping was gone".
#include "agent.h"
#include "api/fpage.h"
#include "l4/space.h"
#include "layout.h"
#include "map_support.h"
#include "pager.h"
#include "root_memory.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Fpage;
using api::Rights;

constexpr Word kValue = 0x0BADCAFE;

bool make_spaces(TestSpace* spaces, unsigned count, TestContext& t) {
    for (unsigned i = 0; i < count; ++i) {
        if (!spaces[i].create(agent_main, main_thread().raw())) {
            t.fail("create space %u: %s", i, spaces[i].error());
            return false;
        }
    }
    return true;
}

/// A fresh sigma0 page holding kValue in its first word.
Word value_page() {
    Word page = get_page();
    if (page != 0) *reinterpret_cast<volatile Word*>(page) = kValue;
    return page;
}

}  // namespace

void test_map_chain_unmap(TestContext& t) {
    char why[kWhySize];
    Word page = value_page();
    CHECK(t, page != 0, "sigma0 gave no page");
    reset_fault_log();
    TestSpace spaces[3];
    if (!make_spaces(spaces, 3, t)) return;
    ThreadId a = spaces[0].id(), b = spaces[1].id(), c = spaces[2].id();
    Word w = test_window_slot(1);

    CHECK(t, root_maps_to(a, page, Rights::Full, w, why), "root -> A: %s", why);
    CHECK(t, agent_maps_to(a, b, w, Rights::Full, false, why), "A -> B: %s", why);
    CHECK(t, agent_maps_to(b, c, w, Rights::Full, false, why), "B -> C: %s", why);
    ThreadId chain[3] = {a, b, c};
    for (unsigned i = 0; i < 3; ++i) {
        Word value = agent_reads(chain[i], w);
        CHECK(t, value == kValue, "space %c reads %x through the chain, expected %x", 'A' + i, value, kValue);
    }
    CHECK(t, fault_count() == 0, "%u faults while the chain was mapped", fault_count());

    Fpage fpage = Fpage::memory(w, 12, Rights::Full);
    (void)agent_unmaps(a, fpage, false);
    CHECK(t, agent_reads(b, w) == kMarker && faults_at(b, w) == 1, "after Unmap in A, B still has the page");
    CHECK(t, agent_reads(c, w) == kMarker && faults_at(c, w) == 1, "after Unmap in A, C still has the page");
    CHECK(t, agent_reads(a, w) == kValue && faults_at(a, w) == 0, "Unmap (no flush) in A took A's own page");
    CHECK(t, *reinterpret_cast<volatile Word*>(page) == kValue, "the root task's page changed");

    (void)agent_unmaps(a, fpage, true);
    CHECK(t, agent_reads(a, w) == kMarker && faults_at(a, w) == 1, "after a flush in A, A still has the page");
    CHECK(t, *reinterpret_cast<volatile Word*>(page) == kValue, "a flush in A changed the root task's page");
}

void test_map_grant(TestContext& t) {
    char why[kWhySize];
    Word page = value_page();
    CHECK(t, page != 0, "sigma0 gave no page");
    reset_fault_log();
    TestSpace spaces[2];
    if (!make_spaces(spaces, 2, t)) return;
    ThreadId a = spaces[0].id(), b = spaces[1].id();
    Word w = test_window_slot(2);

    CHECK(t, root_maps_to(a, page, Rights::Full, w, why), "root -> A: %s", why);
    CHECK(t, agent_maps_to(a, b, w, Rights::Full, true, why), "A grants to B: %s", why);
    CHECK(t, agent_reads(b, w) == kValue && faults_at(b, w) == 0, "B does not have the granted page");
    CHECK(t, agent_reads(a, w) == kMarker && faults_at(a, w) == 1, "A still has the page it granted");

    // B's mapping now hangs off the root task's, where A's was.
    (void)l4::unmap_fpage(Fpage::memory(page, 12, Rights::Full), false);
    CHECK(t, agent_reads(b, w) == kMarker && faults_at(b, w) == 1,
          "Unmap in the root task did not reach the mapping granted to B");
    CHECK(t, *reinterpret_cast<volatile Word*>(page) == kValue, "the root task lost its own page");
}

void test_map_rights(TestContext& t) {
    char why[kWhySize];
    Word page = value_page();
    Word scratch = get_page();
    CHECK(t, page != 0 && scratch != 0, "sigma0 gave no page");
    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    Word w = test_window_slot(3);

    CHECK(t, root_maps_to(space.id(), page, Rights::Read, w, why), "root -> A read-only: %s", why);
    reset_fault_log(scratch, Rights::ReadWrite);
    CHECK(t, agent_reads(space.id(), w) == kValue && fault_count() == 0, "A cannot read its read-only page");
    AgentAnswer write = agent_call(space.id(), agent::kWrite, {w, 0x1234});
    CHECK(t, write.ok(), "A did not answer the write, ErrorCode %x", write.error);
    CHECK(t, fault_count() == 1, "a write to a read-only page gave %u faults, expected 1", fault_count());
    FaultRecord fault = fault_record(0);
    CHECK(t, fault.address == w && (fault.label & 2) != 0, "the pager saw address %x label %x, expected %x with w",
          fault.address, fault.label, w);
    CHECK(t, *reinterpret_cast<volatile Word*>(page) == kValue, "the write went through the read-only mapping");
    CHECK(t, *reinterpret_cast<volatile Word*>(scratch) == 0x1234, "the write did not land in the page the pager sent");
}

void test_map_status_bits(TestContext& t) {
    char why[kWhySize];
    Word page = value_page();
    CHECK(t, page != 0, "sigma0 gave no page");
    reset_fault_log();
    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    ThreadId a = space.id();
    Word w = test_window_slot(4);

    CHECK(t, root_maps_to(a, page, Rights::Full, w, why), "root -> A: %s", why);
    CHECK(t, agent_reads(a, w) == kValue, "A cannot read its page");
    // A's own accesses: its flush without rights reports them (and takes nothing); its
    // unmap does not (it reports what lies below A, as Pistachio's does).
    Fpage status = agent_unmaps(a, Fpage::memory(w, 12, Rights::None), true);
    CHECK(t, (status.raw() & 2) == 0, "after reads only, Flush reports the page dirty (fpage %x)", status.raw());
    CHECK(t, (status.raw() & 4) != 0, "after a read, Flush does not report the page referenced (fpage %x)",
          status.raw());
    AgentAnswer write = agent_call(a, agent::kWrite, {w + 8, 0x55});
    CHECK(t, write.ok() && fault_count() == 0, "A's write failed or faulted");
    status = agent_unmaps(a, Fpage::memory(w, 12, Rights::None), false);
    CHECK(t, (status.raw() & 6) == 0, "Unmap reports A's own write (fpage %x): only what lies below A counts",
          status.raw());
    status = agent_unmaps(a, Fpage::memory(w, 12, Rights::None), true);
    CHECK(t, (status.raw() & 2) != 0, "after a write, Flush does not report the page dirty (fpage %x)", status.raw());
    CHECK(t, agent_reads(a, w) == kValue && fault_count() == 0, "Unmap without rights took A's page away");
}

}  // namespace l4test

namespace l4test {

// A page fault's answer lands where its send base says, also above 1 GiB: the kernel
// receives it with the complete address space as window, and a send base must land at
// itself (a window of 3 GiB, the user part, is no power of two; masking with it once
// dropped bit 30, so a page sent at 0x4xxxxxxx landed 1 GiB lower and the thread
// faulted at the same address for ever: a hang).
void test_map_high_send_base(TestContext& t) {
    Word page = value_page();
    CHECK(t, page != 0, "sigma0 gave no page");
    CHECK(t, page >= 0x40000000, "the root task's sigma0 page lies at %x, below 1 GiB", page);
    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    // The agent's fault at `page` goes to the mirroring pager, which answers with the
    // root task's page there, send base = `page`.
    Word value = agent_reads(space.id(), page);
    CHECK(t, value == kValue, "the agent reads %x at %x, expected %x", value, page, kValue);
}

}  // namespace l4test
