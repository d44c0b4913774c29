// thread_safety.h: clang's -Wthread-safety annotations, spelled for readers.
//
// With these, the compiler checks that a field marked GUARDED_BY(m_lock) is only
// touched with m_lock held, and that functions named *_locked are called with
// the lock they REQUIRE. See https://clang.llvm.org/docs/ThreadSafetyAnalysis.html.
#pragma once

#define CAPABILITY(x) __attribute__((capability(x)))
#define SCOPED_CAPABILITY __attribute__((scoped_lockable))
#define GUARDED_BY(x) __attribute__((guarded_by(x)))
#define PT_GUARDED_BY(x) __attribute__((pt_guarded_by(x)))
#define REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#define ACQUIRE(...) __attribute__((acquire_capability(__VA_ARGS__)))
#define RELEASE(...) __attribute__((release_capability(__VA_ARGS__)))
#define TRY_ACQUIRE(...) __attribute__((try_acquire_capability(__VA_ARGS__)))
#define EXCLUDES(...) __attribute__((locks_excluded(__VA_ARGS__)))
#define RETURN_CAPABILITY(x) __attribute__((lock_returned(x)))
#define NO_THREAD_SAFETY_ANALYSIS __attribute__((no_thread_safety_analysis))
