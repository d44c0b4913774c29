// invariant_report.h: what the kernel's invariant checker found
// (syscall/kcheck.cc walks the TCB array, the run queues and the mapping
// database; thread/invariants.cc and mm/mapping_audit.cc do the walking).
//
// Each violation is one console line the grader reads (grader/README.md,
// "Kernel invariants"):
//
//   KCHECK <nonce> violation <what is wrong>
//
// with the run's nonce, so that no other output can pass for it; after the
// first kMaxLines, only the count goes on.
#pragma once

namespace kcheck {

class InvariantReport {
public:
    static constexpr unsigned kMaxLines = 16;

    /// `print` false: count only (the checker's first look, syscall/kcheck.cc).
    InvariantReport(const char* nonce, bool print) : m_nonce(nonce), m_print(print) {}

    [[gnu::format(printf, 2, 3)]] void violation(const char* format, ...);
    unsigned violations() const { return m_count; }

private:
    const char* m_nonce;
    bool m_print;
    unsigned m_count = 0;
};

}  // namespace kcheck
