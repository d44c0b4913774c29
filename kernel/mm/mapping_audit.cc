// mapping_audit.cc: the invariant checker's walk of the mapping database
// (what it checks: mapping_audit.h).
#include "mm/mapping_audit.h"

namespace mm {

namespace {

constexpr unsigned kMaxSiblings = 1u << 20;  // a longer child list is a loop

struct Walk {
    const LiveSpaces& spaces;
    kcheck::InvariantReport& report;
    Space* space;
    uint32_t thread;  // names the space in messages
    size_t reached = 0;
};

bool in_fpage(api::Fpage area, uintptr_t vaddr) {
    return !area.is_nil() && vaddr >= area.address() && vaddr < area.end();
}

bool among_children(const MappingNode* parent, const MappingNode* node) {
    unsigned steps = 0;
    for (const MappingNode* c = parent->first_child(); c != nullptr && steps < kMaxSiblings; c = c->next_sibling(), ++steps)
        if (c == node) return true;
    return false;
}

void check_tree_links(Walk& w, const MappingNode* node) {
    uintptr_t at = node->vaddr();
    if (const MappingNode* parent = node->parent()) {
        if (!w.spaces.contains(parent->space())) {
            w.report.violation("mapping %x of the space of thread %x derives from a mapping whose space is gone",
                               unsigned(at), w.thread);
        } else {
            if (!among_children(parent, node))
                w.report.violation("mapping %x of the space of thread %x is not among its parent's children",
                                   unsigned(at), w.thread);
            if ((node->rights() | parent->rights()) != parent->rights())
                w.report.violation("mapping %x of the space of thread %x has rights its parent lacks",
                                   unsigned(at), w.thread);
            if (node->phys() < parent->phys() || node->phys_end() > parent->phys_end())
                w.report.violation("mapping %x of the space of thread %x maps frames outside its parent's",
                                   unsigned(at), w.thread);
        }
    }
    unsigned steps = 0;
    for (const MappingNode* c = node->first_child(); c != nullptr; c = c->next_sibling()) {
        if (++steps > kMaxSiblings) {
            w.report.violation("mapping %x of the space of thread %x: its child list does not end", unsigned(at),
                               w.thread);
            break;
        }
        if (c->parent() != node)
            w.report.violation("mapping %x of the space of thread %x lists a child whose parent is another",
                               unsigned(at), w.thread);
        if (!w.spaces.contains(c->space()))
            w.report.violation("mapping %x of the space of thread %x has a child in a space that is gone",
                               unsigned(at), w.thread);
    }
}

void visit_entry(void* context, uintptr_t vaddr, bool present, uint64_t phys, MappingNode* node) {
    Walk& w = *static_cast<Walk*>(context);
    if (node == nullptr) {
        if (!present || in_fpage(w.space->kip_area(), vaddr) || in_fpage(w.space->utcb_area(), vaddr))
            return;
        w.report.violation("space of thread %x: %x is mapped (to frame %x) with no mapping node", w.thread,
                           unsigned(vaddr), unsigned(phys));
        return;
    }
    if (node->space() != w.space || vaddr < node->vaddr() || vaddr >= node->end()) {
        w.report.violation("space of thread %x: the mapping node beside %x belongs to another mapping", w.thread,
                           unsigned(vaddr));
        return;
    }
    if (present && phys != node->phys() + (vaddr - node->vaddr()))
        w.report.violation("space of thread %x: %x maps frame %x, its mapping node says %x", w.thread,
                           unsigned(vaddr), unsigned(phys), unsigned(node->phys() + (vaddr - node->vaddr())));
    if (vaddr != node->vaddr()) return;  // each node once, at its first page
    ++w.reached;
    check_tree_links(w, node);
}

}  // namespace

void LiveSpaces::add(Space* space, uint32_t thread) {
    if (contains(space) || m_count == kMax) return;
    m_spaces[m_count] = space;
    m_threads[m_count] = thread;
    ++m_count;
}

int LiveSpaces::index_of(const MappingSpace* space) const {
    for (unsigned i = 0; i < m_count; ++i)
        if (m_spaces[i] == space) return int(i);
    return -1;
}

uint32_t LiveSpaces::thread_of(const MappingSpace* space) const {
    int i = index_of(space);
    return i < 0 ? 0 : m_threads[i];
}

void audit_spaces(const LiveSpaces& spaces, size_t counted, kcheck::InvariantReport& report) {
    size_t reached = 0;
    for (unsigned i = 0; i < spaces.count(); ++i) {
        Walk walk{spaces, report, spaces.space(i), spaces.thread_of(spaces.space(i))};
        if (!spaces.space(i)->try_for_each_entry(visit_entry, &walk)) {
            report.violation("space of thread %x: its lock is held, its mappings were not checked", walk.thread);
            return;  // the count below would not add up
        }
        reached += walk.reached;
    }
    if (reached != counted)
        report.violation("the mapping database counts %u nodes, the page tables of the %u spaces reach %u",
                         unsigned(counted), spaces.count(), unsigned(reached));
}

}  // namespace mm
