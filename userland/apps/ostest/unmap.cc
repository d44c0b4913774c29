// unmap.cc: ostest's mode=unmap: the OS's unmap (os/protocol.h) on pages of this task,
// touched by its main thread only. The checks hold on any OS that serves the protocol,
// with one node or many; the exit code is the step that failed:
//   1-5    Unmap takes a written heap page away: it is reported held, referenced and
//          dirty, the task holds one page less, and the next read faults and finds 0;
//   6-7    the status of three pages: one read (referenced, not dirty), one written
//          (dirty), one never touched (not held); nothing beyond the range;
//   8-11   129 and 130 pages are refused and change nothing; 128 pages (kMaxUnmapPages,
//          two Unmap system calls on the base OS) report each page's status right;
//   12-22  ReadOnly keeps the value; reading costs no fault; a write works and costs
//          exactly one; the status says what happened since the last unmap, also when
//          the OS took other pages back meanwhile;
//   23-25  a page of the stack area (an unused stack slot) is unmapped like the heap;
//   26-28  refused: a `how` other than Unmap and ReadOnly, an unaligned start, no pages,
//          ranges outside the heap and the stack area; a refused request changes nothing.
#include "l4/print.h"
#include "os/os.h"
#include "ostest.h"

namespace ostest {

namespace {

using api::Word;
using os::kPageSize;
using os::UnmapHow;
using os::UnmapStatus;

constexpr unsigned kNeighbours = 16;

Word read(Word address) { return *reinterpret_cast<volatile Word*>(address); }
void write(Word address, Word value) { *reinterpret_cast<volatile Word*>(address) = value; }

Word faults() { return os::task_info().page_faults; }

/// Whether page `page` of an answer has the status bits given.
bool bits_are(const UnmapStatus& status, unsigned page, bool held, bool referenced, bool dirty) {
    return os::page_bit(status.held, page) == held && os::page_bit(status.referenced, page) == referenced &&
           os::page_bit(status.dirty, page) == dirty;
}

/// Whether no bit is set for the pages from `first` on.
bool clear_from(const UnmapStatus& status, unsigned first) {
    for (unsigned page = first; page < os::kMaxUnmapPages; ++page)
        if (!bits_are(status, page, false, false, false)) return false;
    return true;
}

/// Heap page `index`, counted from the first whole page of the heap.
Word heap_page(unsigned index) {
    return (os::heap_start() + kPageSize - 1) / kPageSize * kPageSize + index * kPageSize;
}

int takes_a_page_away() {
    Word page = heap_page(0);
    write(page, 0x5eed);
    Word held = os::task_info().pages;
    UnmapStatus status;
    if (!os::unmap(page, 1, UnmapHow::Unmap, &status)) return failed(1, "unmap of a written heap page refused");
    if (!bits_are(status, 0, true, true, true) || !clear_from(status, 1))
        return failed(2, "a written page not reported held, referenced and dirty");
    if (os::task_info().pages != held - 1) return failed(3, "the task holds as many pages as before the unmap");
    Word before = faults();
    if (read(page) != 0) return failed(4, "an unmapped page still holds its old value");
    if (faults() != before + 1) return failed(5, "reading an unmapped page took no page fault");
    return 0;
}

int reports_status() {
    Word first = heap_page(4);
    (void)read(first);
    write(first + kPageSize, 1);
    UnmapStatus status;
    if (!os::unmap(first, 3, UnmapHow::Unmap, &status)) return failed(6, "unmap of three heap pages refused");
    if (!bits_are(status, 0, true, true, false) || !bits_are(status, 1, true, true, true) ||
        !bits_are(status, 2, false, false, false) || !clear_from(status, 3))
        return failed(7, "wrong status for a read, a written and an untouched page");
    return 0;
}

int largest_range() {
    Word first = heap_page(16);
    // Page i: written if i % 3 == 0, read if i % 3 == 1, untouched if i % 3 == 2.
    for (unsigned i = 0; i < os::kMaxUnmapPages; ++i) {
        if (i % 3 == 0) write(first + i * kPageSize, i + 1);
        if (i % 3 == 1) (void)read(first + i * kPageSize);
    }
    if (os::unmap(first, os::kMaxUnmapPages + 1, UnmapHow::Unmap) ||
        os::unmap(first, os::kMaxUnmapPages + 2, UnmapHow::Unmap))
        return failed(8, "unmap of more than kMaxUnmapPages pages accepted");
    if (read(first) != 1) return failed(9, "a refused unmap took a page away");
    UnmapStatus status;
    if (!os::unmap(first, os::kMaxUnmapPages, UnmapHow::Unmap, &status))
        return failed(10, "unmap of kMaxUnmapPages pages refused");
    for (unsigned i = 0; i < os::kMaxUnmapPages; ++i) {
        if (!bits_are(status, i, i % 3 != 2, i % 3 != 2, i % 3 == 0)) {
            l4::printf("ostest: page %u of %u: held %d referenced %d dirty %d\n", i, os::kMaxUnmapPages,
                       os::page_bit(status.held, i), os::page_bit(status.referenced, i),
                       os::page_bit(status.dirty, i));
            return failed(11, "wrong status in a range of kMaxUnmapPages pages");
        }
    }
    return 0;
}

int read_only() {
    Word page = heap_page(160);
    write(page, 77);
    UnmapStatus status;
    if (!os::unmap(page, 1, UnmapHow::ReadOnly, &status)) return failed(12, "ReadOnly of a heap page refused");
    if (!bits_are(status, 0, true, true, true)) return failed(13, "a written page not reported held and dirty");
    Word before = faults();
    if (read(page) != 77) return failed(14, "a read-only page lost its value");
    if (faults() != before) return failed(15, "reading a read-only page faulted");
    write(page, 78);
    if (read(page) != 78) return failed(16, "a write to a read-only page was lost");
    if (faults() != before + 1) return failed(17, "a write to a read-only page did not cost exactly one page fault");
    if (!os::unmap(page, 1, UnmapHow::ReadOnly, &status) || !bits_are(status, 0, true, true, true))
        return failed(18, "a page written again not reported dirty");
    // Pages the OS takes back meanwhile (likely from the same chunk of memory as this
    // one, if the OS has such chunks) must not make it look touched.
    for (unsigned i = 1; i <= kNeighbours; ++i) write(page + i * kPageSize, i);
    if (!os::unmap(page + kPageSize, kNeighbours, UnmapHow::Unmap))
        return failed(19, "unmap of the pages beside refused");
    if (!os::unmap(page, 1, UnmapHow::ReadOnly, &status) || !bits_are(status, 0, true, false, false))
        return failed(20, "a page untouched since the last unmap reported referenced or dirty");
    (void)read(page);
    if (!os::unmap(page, 1, UnmapHow::ReadOnly, &status) || !bits_are(status, 0, true, true, false))
        return failed(21, "a page only read since the last unmap not reported referenced, or dirty");
    if (!os::unmap(page, 1, UnmapHow::Unmap, &status) || !bits_are(status, 0, true, false, false) || read(page) != 0)
        return failed(22, "a read-only page was not taken away by Unmap");
    return 0;
}

int stack_page() {
    // The top page of the last stack slot, which no thread of this task uses.
    Word page = os::stack_top(os::kMaxThreads - 1) - kPageSize;
    write(page, 9);
    UnmapStatus status;
    if (!os::unmap(page, 1, UnmapHow::Unmap, &status)) return failed(23, "unmap of a stack page refused");
    if (!bits_are(status, 0, true, true, true)) return failed(24, "a written stack page not reported dirty");
    if (read(page) != 0) return failed(25, "an unmapped stack page still holds its old value");
    return 0;
}

int refusals() {
    Word page = heap_page(200);
    write(page, 5);
    const Word image_page = os::kImageBase;
    const Word last_image_page = heap_page(0) - kPageSize;
    if (os::unmap(page, 1, static_cast<UnmapHow>(2)) || os::unmap(page, 1, static_cast<UnmapHow>(~Word{0})))
        return failed(26, "unmap with an unknown `how` accepted");
    struct Range {
        Word start, pages;
    };
    const Range bad[] = {
        {page + 4, 1},                      // unaligned
        {page, 0},                          // no pages
        {0, 1},                             // address 0
        {image_page, 1},                    // the program's code
        {last_image_page, 2},               // the image's last page and the first heap page
        {os::kHeapEnd - kPageSize, 2},      // across the heap's end
        {os::kHeapEnd, 1},                  // between the heap and the stacks
        {os::kStackAreaEnd - kPageSize, 2}, // across the stack area's end
        {os::kUtcbArea, 1},                 // the UTCBs
        {~kPageSize + 1, 1},                // the last page of the address space
    };
    for (const Range& r : bad) {
        if (os::unmap(r.start, r.pages, UnmapHow::Unmap)) {
            l4::printf("ostest: unmap(%x, %u) accepted\n", r.start, r.pages);
            return failed(27, "unmap of a range outside the heap and the stack area accepted");
        }
    }
    Word before = faults();
    if (read(page) != 5 || faults() != before) return failed(28, "a refused unmap changed a page");
    return 0;
}

}  // namespace

int mode_unmap() {
    int (*const parts[])() = {takes_a_page_away, reports_status, largest_range, read_only, stack_page, refusals};
    for (auto part : parts)
        if (int step = part(); step != 0) return step;
    l4::printf("ostest: unmap took pages away, made them read-only and reported their status as it must\n");
    return 0;
}

}  // namespace ostest
