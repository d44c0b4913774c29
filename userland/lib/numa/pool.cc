// pool.cc: see pool.h.
#include "numa/pool.h"

#include "l4/string.h"

namespace numa {

void Pool::init(unsigned node, const PoolChunk* chunks, unsigned chunk_count, Word size) {
    m_node = node;
    m_size = size;
    m_chunk_count = chunk_count < kMaxChunks ? chunk_count : kMaxChunks;
    for (unsigned i = 0; i < m_chunk_count; ++i) m_chunks[i] = chunks[i];
    Word owner_bytes = (size / kPageSize) * sizeof(Word);
    m_owners = reinterpret_cast<Word*>(base() + kPageSize);
    memset(m_owners, 0, owner_bytes);
    l4::SpinLockGuard guard(m_lock);
    m_next_unused = kPageSize + (owner_bytes + kPageSize - 1) / kPageSize * kPageSize;  // header and owners
    m_free_list = 0;
    m_in_use = 0;
}

Word Pool::allocate() {
    Word frame = 0;
    {
        l4::SpinLockGuard guard(m_lock);
        if (m_free_list != 0) {
            frame = m_free_list;
            m_free_list = *reinterpret_cast<Word*>(frame);
        } else if (m_next_unused < m_size) {
            frame = base() + m_next_unused;
            m_next_unused += kPageSize;
        } else {
            return 0;
        }
        ++m_in_use;
    }
    memset(reinterpret_cast<void*>(frame), 0, kPageSize);
    return frame;
}

Word Pool::allocate_consecutive(Word pages) {
    Word first;
    {
        l4::SpinLockGuard guard(m_lock);
        if (pages == 0 || (m_size - m_next_unused) / kPageSize < pages) return 0;
        first = base() + m_next_unused;
        m_next_unused += pages * kPageSize;
        m_in_use += pages;
    }
    memset(reinterpret_cast<void*>(first), 0, pages * kPageSize);
    return first;
}

void Pool::release(Word frame) {
    set_owner(frame, 0);
    l4::SpinLockGuard guard(m_lock);
    *reinterpret_cast<Word*>(frame) = m_free_list;
    m_free_list = frame;
    --m_in_use;
}

Word Pool::frames_in_use() {
    l4::SpinLockGuard guard(m_lock);
    return m_in_use;
}

const PoolChunk* Pool::chunk_at(Word address) const {
    Word offset = address - base();
    for (unsigned i = 0; i < m_chunk_count; ++i) {
        const PoolChunk& c = m_chunks[i];
        if (offset >= c.offset && offset - c.offset < (Word{1} << c.log2_size)) return &c;
    }
    return nullptr;
}

Word Pool::physical(Word address) const {
    const PoolChunk* c = chunk_at(address);
    return c == nullptr ? 0 : c->physical + (address - base() - c->offset);
}

}  // namespace numa
