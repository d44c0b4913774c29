// mapping_tree.cc: the nodes and derivation trees of the mapping database.
//
// What it does (Lab 2: try_alloc_node_locked; the rest is given):
// allocates mapping nodes on the right NUMA node, links them
// into trees, moves a node (grant) and takes rights away from a whole
// subtree (unmap, flush). The L4 operations that use these are in
// mapping_db.cc; the picture of a tree is in mapping_db.h.
// Invariants: a node's rights are a subset of its parent's; a node's
// physical range lies inside its parent's; every node has rights (a node
// that loses its last right is removed with its subtree); m_node_count is
// the number of allocated nodes.
// Lock: MappingDb::m_lock, held by every caller (the _locked suffix).
// Stack: kernel stacks are 16 KiB and trees can be thousands of levels deep
// (a chain of pagers), so no walk here recurses: the parent and sibling
// links lead the way back up.
// Tests: tests/host/mapping_db_test.cc, mapping_db_model_test.cc.
// Thesis: 3.3.3, "Mapping Database".
#include "lib/cxx_runtime.h"
#include "lib/panic.h"
#include "mm/mapping_db.h"

namespace mm {

namespace {

/// The node after `node`'s subtree in a pre-order walk of `top`'s subtree,
/// or nullptr when `top`'s subtree is done: the next sibling of `node` or of
/// its nearest ancestor below `top` that has one.
MappingNode* after_subtree(MappingNode* node, const MappingNode* top) {
    for (; node != top; node = node->parent())
        if (node->next_sibling() != nullptr) return node->next_sibling();
    return nullptr;
}

}  // namespace

// NUMA placement (thesis 3.3.3): the mapping node that describes a mapping
// into `space` lives on `space`'s home NUMA node. A pager and the spaces it
// pages share a home node, so both ends of its map and unmap operations are
// node-local. This is the one place the MDB allocates memory (Lab 2).
MappingNode* MappingDb::try_alloc_node_locked(MappingSpace* space) {
    void* block = m_allocator.node_alloc(sizeof(MappingNode), space->home_node());
    if (block == nullptr) return nullptr;
    ++m_node_count;
    return new (block) MappingNode(space, 0, 0, 0, Rights::None);
}

void MappingDb::free_node_locked(MappingNode* node) {
    KASSERT(node->m_first_child == nullptr && node->m_parent == nullptr);
    node->~MappingNode();
    m_allocator.node_free(node, sizeof(MappingNode));
    --m_node_count;
}

/// Frees nodes that try_reserve_locked() chained through m_next_sibling.
void MappingDb::free_reserved_locked(MappingNode* reserved) {
    while (reserved != nullptr) {
        MappingNode* next = reserved->m_next_sibling;
        reserved->m_next_sibling = nullptr;
        free_node_locked(reserved);
        reserved = next;
    }
}

/// Makes `child` (linked nowhere) the first child of `parent`, or a root
/// when `parent` is nullptr.
void MappingDb::link_child_locked(MappingNode* parent, MappingNode* child) {
    KASSERT(child->m_parent == nullptr && child->m_prev_sibling == nullptr && child->m_next_sibling == nullptr);
    if (parent == nullptr) return;
    child->m_parent = parent;
    child->m_next_sibling = parent->m_first_child;
    if (child->m_next_sibling != nullptr) child->m_next_sibling->m_prev_sibling = child;
    parent->m_first_child = child;
}

/// Takes `node` out of its parent's list of children; its own children stay.
void MappingDb::unlink_locked(MappingNode* node) {
    if (node->m_prev_sibling != nullptr)
        node->m_prev_sibling->m_next_sibling = node->m_next_sibling;
    else if (node->m_parent != nullptr)
        node->m_parent->m_first_child = node->m_next_sibling;
    if (node->m_next_sibling != nullptr) node->m_next_sibling->m_prev_sibling = node->m_prev_sibling;
    node->m_parent = node->m_prev_sibling = node->m_next_sibling = nullptr;
}

/// Grant: `to` takes `from`'s place in the tree, with its parent, its
/// siblings and all its children; `from` is left linked nowhere.
void MappingDb::move_node_locked(MappingNode* from, MappingNode* to) {
    KASSERT(to->m_parent == nullptr && to->m_first_child == nullptr);
    to->m_parent = from->m_parent;
    to->m_prev_sibling = from->m_prev_sibling;
    to->m_next_sibling = from->m_next_sibling;
    if (to->m_prev_sibling != nullptr)
        to->m_prev_sibling->m_next_sibling = to;
    else if (to->m_parent != nullptr)
        to->m_parent->m_first_child = to;
    if (to->m_next_sibling != nullptr) to->m_next_sibling->m_prev_sibling = to;

    to->m_first_child = from->m_first_child;
    for (MappingNode* child = to->m_first_child; child != nullptr; child = child->m_next_sibling) child->m_parent = to;
    from->m_parent = from->m_prev_sibling = from->m_next_sibling = from->m_first_child = nullptr;
}

// Unmap step U4 (the protocol is in mapping_db.cc): `top` and everything
// below it lose `rights`. A pre-order walk without recursion:
//
//   (U4a) a node left with no rights goes, subtree and all (U5), and the
//         walk continues after that subtree;
//   (U4b) otherwise its access status is read and cleared, its entry loses
//         `rights`, and the walk goes on to its first child, or else to the
//         next node after its subtree.
//
// Children never have rights their parent lacks, so below a node that has
// none of `rights` nothing changes. The walk goes there all the same: the
// status of those mappings counts (rights == None only reads the status).
Rights MappingDb::revoke_subtree_locked(MappingNode* top, Rights rights) {
    Rights status = Rights::None;
    MappingNode* node = top;
    while (node != nullptr) {
        Rights left = without(node->m_rights, rights);
        if (!any(left)) {
            MappingNode* next = after_subtree(node, top);
            status |= remove_subtree_locked(node);
            node = next;
            continue;
        }
        status |= m_target.read_and_clear_status(node);
        if (left != node->m_rights) {
            node->m_rights = left;
            m_target.update_rights(node);
        }
        node = node->m_first_child != nullptr ? node->m_first_child : after_subtree(node, top);
    }
    return status;
}

// Unmap step U5: removes `top` and its subtree, children before parents (a
// post-order walk without recursion: go down to a leaf, remove it, step back
// to its parent, repeat until `top` itself was the leaf). Returns the access
// status the removed entries had.
Rights MappingDb::remove_subtree_locked(MappingNode* top) {
    Rights status = Rights::None;
    MappingNode* node = top;
    for (;;) {
        while (node->m_first_child != nullptr) node = node->m_first_child;
        MappingNode* parent = node->m_parent;
        bool last = node == top;
        status |= m_target.remove(node);
        unlink_locked(node);
        free_node_locked(node);
        if (last) return status;
        node = parent;
    }
}

}  // namespace mm
