// mapping_db_model.h: the semantics of the mapping database (kernel/mm/
// mapping_db.h) written as plainly as possible, to check it against.
//
// A vector of nodes with parent indices; every question is answered by a
// scan, subtrees are walked by recursion (fine on the host, for the small
// trees of a test). Each operation follows the rules of mapping_db.h step by
// step, in the same order, so that a random sequence of operations must leave
// the fake page tables (mapping_db_fakes.h) holding exactly the model's
// mappings, with the same parents, rights and access status.
#pragma once

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "mapping_db_fakes.h"

namespace test {

using mm::MdbError;

/// An fpage: a power of two of at least 4 KiB, aligned to its size.
inline bool valid_window(uint64_t base, size_t size) {
    return size >= mm::kMinMappingSize && (size & (size - 1)) == 0 && base % size == 0;
}

/// The model of one MappingDb with its fake target and allocator.
class Model {
public:
    struct Node {
        const MappingSpace* space;
        uint64_t vaddr, phys;
        size_t size;
        Rights rights, status;
        int parent;  // -1: a root
        bool alive;
        uint64_t end() const { return vaddr + size; }
    };
    std::vector<Node> nodes;
    unsigned fail_alloc = 0, fail_prepare = 0;  // as in the fakes: the Nth call fails

    std::vector<int> overlapping(const MappingSpace* space, uint64_t base, uint64_t end) const {
        std::vector<int> found;
        for (int i = 0; i < int(nodes.size()); ++i)
            if (alive(i, space) && nodes[i].vaddr < end && nodes[i].end() > base) found.push_back(i);
        std::sort(found.begin(), found.end(), [&](int x, int y) { return nodes[x].vaddr < nodes[y].vaddr; });
        return found;
    }
    std::vector<int> children(int parent) const {
        std::vector<int> found;
        for (int i = 0; i < int(nodes.size()); ++i)
            if (nodes[i].alive && nodes[i].parent == parent) found.push_back(i);
        return found;
    }
    bool phys_in_use(uint64_t phys, size_t size) const {
        for (const Node& n : nodes)
            if (n.alive && n.phys < phys + size && n.phys + n.size > phys) return true;
        return false;
    }

    /// MappingDb::try_add_root, with virtual = physical.
    MdbError add_root(const MappingSpace* space, uint64_t vaddr, size_t size, Rights rights) {
        if (!valid_window(vaddr, size) || rights == Rights::None) return MdbError::InvalidArgument;
        if (!overlapping(space, vaddr, vaddr + size).empty()) return MdbError::Occupied;
        if (!try_allocate(1)) return MdbError::OutOfMemory;
        nodes.push_back({space, vaddr, vaddr, size, rights, Rights::None, -1, true});
        return MdbError::Ok;
    }

    /// MappingDb::try_map or try_grant, steps M1 to M6.
    MdbError transfer(bool grant, const MappingSpace* from, uint64_t from_base, const MappingSpace* to,
                      uint64_t to_base, size_t size, Rights rights) {
        if (!valid_window(from_base, size) || !valid_window(to_base, size)) return MdbError::InvalidArgument;
        std::vector<int> sources = overlapping(from, from_base, from_base + size);
        bool replaces = false;
        size_t needed = 0;
        for (int s : sources) {  // M1
            Piece p = piece(s, from_base, to_base, size, rights);
            if (p.rights == Rights::None || (!grant && is_upgrade(to, p))) continue;
            if (grant && nodes[s].size > size) return MdbError::SplitsMapping;
            ++needed;
            replaces |= !overlapping(to, p.dst, p.dst + p.size).empty();
        }
        for (int s : sources)  // M2
            if (replaces && piece(s, from_base, to_base, size, rights).rights != Rights::None)
                for (int n = s; n != -1; n = nodes[n].parent)
                    if (nodes[n].space == to && nodes[n].vaddr < to_base + size && nodes[n].end() > to_base)
                        return MdbError::SourceInDestination;
        if (!try_allocate(needed)) return MdbError::OutOfMemory;  // M3

        for (int s : sources) {  // M4-M6, in address order; each piece sees what the earlier ones did
            if (!nodes[s].alive) continue;
            Piece p = piece(s, from_base, to_base, size, rights);
            if (p.rights == Rights::None) continue;
            if (!grant && is_upgrade(to, p)) {
                nodes[size_t(overlapping(to, p.dst, p.dst + 1)[0])].rights |= p.rights;
                continue;
            }
            revoke_window(true, to, p.dst, p.dst + p.size, Rights::Full);
            if (!grant) {
                nodes.push_back({to, p.dst, p.phys, p.size, p.rights, Rights::None, s, true});
                continue;
            }
            Rights lost = without(nodes[s].rights, p.rights);
            nodes[s].space = to;
            nodes[s].vaddr = p.dst;
            nodes[s].rights = p.rights;
            nodes[s].status = Rights::None;
            if (lost != Rights::None)
                for (int c : children(s)) revoke_subtree(c, lost);
        }
        return MdbError::Ok;
    }

    /// MappingDb::unmap (also_own false) or flush (true), steps U1 to U5.
    Rights revoke_window(bool also_own, const MappingSpace* space, uint64_t base, uint64_t end, Rights rights) {
        Rights status = Rights::None;
        for (int g : overlapping(space, base, end)) {
            if (!nodes[g].alive) continue;
            if (also_own) {
                status |= revoke_subtree(g, rights);
                continue;
            }
            uint64_t lo = nodes[g].phys + (std::max(nodes[g].vaddr, base) - nodes[g].vaddr);
            uint64_t hi = nodes[g].phys + (std::min(nodes[g].end(), end) - nodes[g].vaddr);
            Rights below = Rights::None;
            for (int c : children(g))
                if (nodes[c].phys < hi && nodes[c].phys + nodes[c].size > lo) below |= revoke_subtree(c, rights);
            nodes[g].status |= below;  // kept for a flush of g or an unmap above it
            status |= below;
        }
        return status;
    }

    /// FakeTarget::touch.
    bool touch(const MappingSpace* space, uint64_t vaddr, Rights access) {
        std::vector<int> found = overlapping(space, vaddr, vaddr + 1);
        if (found.empty()) return false;
        nodes[size_t(found[0])].status |= access & nodes[size_t(found[0])].rights;
        return true;
    }

    size_t live() const {
        return size_t(std::count_if(nodes.begin(), nodes.end(), [](auto& n) { return n.alive; }));
    }

private:
    struct Piece {
        uint64_t dst, phys;
        size_t size;
        Rights rights;
        int source;
    };

    bool alive(int i, const MappingSpace* space) const { return nodes[i].alive && nodes[i].space == space; }

    Piece piece(int s, uint64_t from_base, uint64_t to_base, size_t size, Rights rights) const {
        uint64_t start = std::max(nodes[s].vaddr, from_base);
        return {to_base + (start - from_base), nodes[s].phys + (start - nodes[s].vaddr), std::min(nodes[s].size, size),
                nodes[s].rights & rights, s};
    }

    bool is_upgrade(const MappingSpace* to, const Piece& p) const {
        std::vector<int> found = overlapping(to, p.dst, p.dst + 1);
        if (found.empty()) return false;
        const Node& e = nodes[size_t(found[0])];
        return e.vaddr == p.dst && e.size == p.size && e.phys == p.phys && e.parent == p.source;
    }

    bool try_allocate(size_t count) {
        bool ok = !(fail_alloc != 0 && count >= fail_alloc) && !(fail_prepare != 0 && count >= fail_prepare);
        fail_alloc = fail_prepare = 0;
        return ok;
    }

    Rights remove_subtree(int i) {
        Rights status = nodes[i].status;
        for (int c : children(i)) status |= remove_subtree(c);
        nodes[i].alive = false;
        return status;
    }

    Rights revoke_subtree(int i, Rights rights) {
        Rights left = without(nodes[i].rights, rights);
        if (left == Rights::None) return remove_subtree(i);
        Rights status = std::exchange(nodes[i].status, Rights::None);
        nodes[i].rights = left;
        for (int c : children(i)) status |= revoke_subtree(c, rights);
        return status;
    }
};

/// What a test compares: (space, vaddr) -> phys, size, rights, status, parent's (space, vaddr).
using Mapping = std::tuple<uint64_t, size_t, Rights, Rights, FakeTarget::Key>;

inline std::map<FakeTarget::Key, Mapping> mappings_of(const FakeTarget& target) {
    std::map<FakeTarget::Key, Mapping> out;
    for (auto& [key, e] : target.entries) {
        mm::MappingNode* parent = e.node->parent();
        FakeTarget::Key parent_key =
            parent ? FakeTarget::Key{key_of(parent->space()), parent->vaddr()} : FakeTarget::Key{0, 0};
        out[key] = {e.phys, e.size, e.rights, e.status, parent_key};
    }
    return out;
}

inline std::map<FakeTarget::Key, Mapping> mappings_of(const Model& model) {
    std::map<FakeTarget::Key, Mapping> out;
    for (const Model::Node& n : model.nodes) {
        if (!n.alive) continue;
        FakeTarget::Key parent_key{0, 0};
        if (n.parent != -1) {
            const Model::Node& p = model.nodes[size_t(n.parent)];
            REQUIRE(p.alive);
            parent_key = {key_of(p.space), p.vaddr};
        }
        out[{key_of(n.space), n.vaddr}] = {n.phys, n.size, n.rights, n.status, parent_key};
    }
    return out;
}

}  // namespace test
