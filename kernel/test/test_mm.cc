// test_mm.cc: the boot frame allocator and the kernel heap.
#include "mm/frame_allocator.h"
#include "mm/kernel_heap.h"
#include "lib/string.h"
#include "test/ktest.h"

KTEST(mm_frames, "mm.frames_alloc_free") {
    size_t before = mm::frames().free_pages();
    uint64_t pages[16];
    for (uint64_t& p : pages) p = mm::frames().try_allocate(1);
    for (unsigned i = 0; i < 16; ++i) {
        t.check(pages[i] != 0 && pages[i] % mm::kPageSize == 0, "allocation %u returned %llx", i,
                (unsigned long long)pages[i]);
        for (unsigned j = 0; j < i; ++j) t.check(pages[i] != pages[j], "page %llx handed out twice", (unsigned long long)pages[i]);
    }
    t.check(mm::frames().free_pages() == before - 16, "free count %u, expected %u", unsigned(mm::frames().free_pages()),
            unsigned(before - 16));
    for (uint64_t p : pages) mm::frames().free(p, 1);
    uint64_t run = mm::frames().try_allocate(8);
    t.check(run != 0, "no 8-page run");
    mm::frames().free(run, 8);
    t.check(mm::frames().free_pages() == before, "free count %u after freeing, expected %u",
            unsigned(mm::frames().free_pages()), unsigned(before));
    t.check(mm::frames().try_allocate(mm::FrameAllocator::kPages) == 0, "allocated more pages than exist");
}

KTEST(mm_heap, "mm.kernel_heap") {
    size_t before = kernel_heap::bytes_in_use();
    void* blocks[40];
    for (unsigned i = 0; i < 40; ++i) {
        size_t size = (i * 97) % 5000 + 1;
        blocks[i] = kernel_heap::allocate(size);
        t.check(blocks[i] != nullptr, "allocate(%u) failed", unsigned(size));
        if (blocks[i] != nullptr) memset(blocks[i], int(i), size);
    }
    for (unsigned i = 0; i < 40; ++i) {
        size_t size = (i * 97) % 5000 + 1;
        const auto* bytes = static_cast<const unsigned char*>(blocks[i]);
        for (size_t k = 0; bytes != nullptr && k < size; k += 61)
            if (!t.check(bytes[k] == i, "block %u overwritten at %u", i, unsigned(k))) break;
    }
    for (void* b : blocks) kernel_heap::free(b);
    t.check(kernel_heap::bytes_in_use() == before, "heap in use %u after freeing all, expected %u",
            unsigned(kernel_heap::bytes_in_use()), unsigned(before));
    int* p = new int(7);
    t.check(p != nullptr && *p == 7, "operator new");
    delete p;
}
