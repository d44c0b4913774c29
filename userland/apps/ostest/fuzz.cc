// fuzz.cc: ostest's mode=fuzz count=N seed=S: N random requests to this task's pager,
// the OS protocol's server (os/protocol.h, served by the base OS and by the NUMA OS's
// application pagers alike). Each request is one of:
//   - a procedure's label with a word count that does not fit it: Malformed;
//   - a label the protocol does not have: UnknownProc;
//   - a label of the NUMA OS's own protocols between its pagers and the root pager
//     (numa/root_protocol.h, numa/pager_protocol.h), which the same pager thread may
//     serve: a task is no pager, so Refused (or Malformed, or UnknownProc where the
//     OS has no such procedure), never a result, but for whereabouts, which any
//     caller may ask;
//   - a request with a map item besides its words (the OS accepts none: the IPC may
//     fail, or the server refuses it);
//   - a procedure with arguments drawn to be mostly wrong (CPUs that do not exist,
//     other tasks' or made-up thread ids, unaligned or out-of-range addresses, page
//     counts of 0 or too many, unknown unmap modes, module names of random bytes)
//     and sometimes right: each must get its result or Refused, whichever the
//     arguments call for.
// Never sent: exit (it would end the test), a spawn of a real module (see spawn()),
// create_thread on a CPU that exists (the thread would start at a random address),
// fake page faults (a fault at a bad address kills the task, as it must), an unmap
// that takes away this thread's own stack, and make_local of it (its pages would not
// follow the thread to another node on the NUMA OS).
// Every request must be answered, and the answer must be the procedure's result (its
// word count) or the RPC error reply with a status the request allows; afterwards
// task_info must still answer. The exit code says which check failed first (0: none);
// the OS's test (l4.os.rpc_fuzz, l4.numa.rpc_fuzz) then checks that the OS still serves
// other tasks and that every frame came back once this one ended.
#include "api/map_item.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/prng.h"
#include "l4/rpc.h"
#include "l4/utcb.h"
#include "numa/pager_protocol.h"
#include "numa/root_protocol.h"
#include "os/os.h"
#include "ostest.h"

namespace ostest {

namespace {

using api::MsgTag;
using api::ThreadId;
using api::Word;
using l4::Prng;
using l4::rpc::kWordsOf;
using l4::rpc::Status;

constexpr unsigned kTimeoutMs = 10000;  // generous: a loaded 2-core host emulates 8 CPUs

/// What an answer may be: the result (ok_words words), and which error statuses.
struct Allowed {
    int ok_words = -1;          ///< the result's word count; -1: no result allowed
    unsigned errors = 0;        ///< bit s: the error reply with Status s
    bool ipc_may_fail = false;  ///< the request carried a map item
};

constexpr unsigned bit(Status s) { return 1u << static_cast<unsigned>(s); }

struct Procedure {
    uint16_t label;
    unsigned words;
};
constexpr Procedure kProcedures[] = {
    {os::proto::Exit::kLabel, 1},
    {os::proto::CreateThread::kLabel, 3},
    {os::proto::MigrateThread::kLabel, 2},
    {os::proto::Spawn::kLabel, kWordsOf<os::SpawnRequest>},
    {os::proto::GetTaskInfo::kLabel, 0},
    {os::proto::GetArgs::kLabel, 0},
    {os::proto::MakeLocal::kLabel, 2},
    {os::proto::Unmap::kLabel, 3},
};
constexpr unsigned kProcedureCount = sizeof kProcedures / sizeof kProcedures[0];

/// Counts of the answers, for the closing line.
struct Tally {
    unsigned results = 0, refused = 0, malformed = 0, unknown = 0, ipc_failed = 0;
};

class Fuzzer {
public:
    explicit Fuzzer(Word seed) : m_random(seed) {}

    /// One random request and the check of its answer; false (with the reason
    /// printed) if the answer is not one the request allows.
    bool one(unsigned index);

    const Tally& tally() const { return m_tally; }

private:
    Allowed malformed();
    Allowed unknown_label();
    Allowed pager_protocol();
    Allowed with_map_item();
    Allowed procedure();
    Allowed create_thread();
    Allowed migrate_thread();
    Allowed spawn();
    Allowed make_local();
    Allowed unmap();

    Word random_word();
    Word random_address();
    ThreadId random_thread();
    void put(unsigned count) { m_words = count; }
    /// A request of `label` with these words (none: none()).
    template <unsigned N>
    void words(uint16_t label, const Word (&values)[N]) {
        m_label = label;
        for (unsigned i = 0; i < N; ++i) l4::set_mr(1 + i, values[i]);
        m_words = N;
    }
    void none(uint16_t label) {
        m_label = label;
        m_words = 0;
    }

    Prng m_random;
    Tally m_tally;
    uint16_t m_label = 0;
    unsigned m_words = 0;  // untyped words loaded after the tag
    bool m_item = false;   // a map item follows them
};

/// Mostly small or special words, sometimes any.
Word Fuzzer::random_word() {
    switch (m_random.below(4)) {
    case 0: return m_random.below(16);
    case 1: return ~Word{0} - m_random.below(4);
    case 2: return Word{1} << m_random.below(32);
    default: return m_random.next();
    }
}

/// Addresses around the heap and the stack area's edges, in them, and anywhere.
Word Fuzzer::random_address() {
    Word page = os::kPageSize;
    switch (m_random.below(6)) {
    case 0: return os::heap_start() + m_random.below(4096) * page;
    case 1: return os::kHeapEnd - m_random.below(8) * page;
    case 2: return os::kStackArea + m_random.below(os::kMaxThreads * os::kStackSlotSize / page) * page;
    case 3: return os::kImageBase + m_random.below(64) * page;
    case 4: return m_random.next() & ~(page - 1);
    default: return m_random.next();
    }
}

ThreadId Fuzzer::random_thread() {
    switch (m_random.below(5)) {
    case 0: return ThreadId::nil();
    case 1: return ThreadId::any();
    case 2: return l4::pager();
    case 3: return ThreadId::from_raw(l4::my_global_id().raw() + (m_random.below(8) + 1) * 0x4000);
    default: return ThreadId::from_raw(m_random.next());
    }
}

/// A procedure of the protocol with a word count that does not fit it.
Allowed Fuzzer::malformed() {
    const Procedure& p = kProcedures[m_random.below(kProcedureCount)];
    unsigned count = m_random.below(l4::rpc::kMaxWords + 1);
    if (count == p.words) count = (count + 1 + m_random.below(3)) % (l4::rpc::kMaxWords + 1);
    m_label = p.label;
    for (unsigned i = 1; i <= count; ++i) l4::set_mr(i, random_word());
    put(count);
    return {-1, bit(Status::Malformed)};
}

/// The NUMA OS's labels between its pagers and the root pager (pager_protocol()).
constexpr uint16_t kPagerLabels = 0x0D00, kPagerLabelsEnd = 0x0D30;

/// A label the OS protocol does not have (and no L4 protocol's: those are >= 0xFF80,
/// nor the NUMA OS's pagers': pager_protocol()).
Allowed Fuzzer::unknown_label() {
    uint16_t label;
    do {
        label = m_random.one_in(2) ? uint16_t(0x0B00 + m_random.below(0x100)) : uint16_t(m_random.below(0xFF80));
    } while ((label >= os::proto::Exit::kLabel && label <= os::proto::Unmap::kLabel) ||
             (label >= kPagerLabels && label < kPagerLabelsEnd));
    m_label = label;
    unsigned count = m_random.below(8);
    for (unsigned i = 1; i <= count; ++i) l4::set_mr(i, random_word());
    put(count);
    return {-1, bit(Status::UnknownProc)};
}

/// A call from a task in a protocol only pagers and the root pager may use: the root
/// pager's system-call service and start-up, and the pagers' unmap protocol, all of
/// which refuse anybody else (their own tests check the refusal too:
/// l4.numa.unmap_refused). The base OS has none of them: UnknownProc.
Allowed Fuzzer::pager_protocol() {
    static constexpr uint16_t kLabels[] = {
        numa::root_proto::Startup::kLabel,      numa::root_proto::Ready::kLabel,
        numa::root_proto::CreateThread::kLabel, numa::root_proto::DeleteThread::kLabel,
        numa::root_proto::MoveThread::kLabel,   numa::root_proto::Whereabouts::kLabel,
        numa::root_proto::StartHelper::kLabel,  numa::root_proto::CreateSpace::kLabel,
        numa::root_proto::MoveToSpace::kLabel,  numa::pager_proto::UnmapFrame::kLabel,
        numa::pager_proto::kUnmapLabel,         numa::pager_proto::CheckWorker::kLabel,
    };
    m_label = kLabels[m_random.below(sizeof kLabels / sizeof kLabels[0])];
    unsigned count = m_random.below(9);
    for (unsigned i = 1; i <= count; ++i) l4::set_mr(i, m_random.one_in(2) ? random_word() : random_address());
    put(count);
    Allowed allowed{-1, bit(Status::Refused) | bit(Status::Malformed) | bit(Status::UnknownProc)};
    // Where a pager is, and on which CPU: a question anybody may ask.
    if (m_label == numa::root_proto::Whereabouts::kLabel && count == 0)
        allowed.ok_words = int(kWordsOf<numa::PagerWhereabouts>);
    return allowed;
}

/// Any request, with a map item of one of this task's pages after its words. The OS
/// accepts no mappings, so the IPC fails or the server answers with an error; it may
/// also take the words and ignore the item (then it answers as the words ask).
Allowed Fuzzer::with_map_item() {
    Allowed allowed = m_random.one_in(2) ? procedure() : unknown_label();
    if (m_words + api::kMapItemWords > l4::rpc::kMaxWords) return allowed;
    api::Fpage page = api::Fpage::memory(os::kStackArea + os::kStackSlotSize - os::kPageSize, 12, api::Rights::Read);
    api::MapItem item = api::MapItem::map(page, random_address());
    l4::set_mr(1 + m_words, item.word0());
    l4::set_mr(2 + m_words, item.word1());
    allowed.ipc_may_fail = true;
    allowed.errors |= bit(Status::Malformed) | bit(Status::Refused);
    m_item = true;
    return allowed;
}

Allowed Fuzzer::create_thread() {
    Word cpu = os::cpu_count() + (m_random.one_in(2) ? m_random.below(64) : m_random.next() % 0x7FFFFFFF);
    words(os::proto::CreateThread::kLabel, {cpu, random_address(), random_address()});
    return {-1, bit(Status::Refused)};
}

/// Another thread (nil, any, the pager, made-up ids) is never this task's: Refused.
/// This thread itself to a CPU that exists: moved (on the NUMA OS, perhaps to another
/// node).
Allowed Fuzzer::migrate_thread() {
    bool self = m_random.one_in(3);
    ThreadId thread = self ? l4::my_global_id() : random_thread();
    Word cpu = m_random.one_in(2) ? m_random.below(os::cpu_count()) : random_word();
    words(os::proto::MigrateThread::kLabel, {thread.raw(), cpu});
    if (thread == l4::my_global_id() && cpu < os::cpu_count()) return {1, 0};
    return {-1, bit(Status::Refused)};
}

/// A module name of random bytes (no NUL in the whole field; sometimes a real name
/// with random bytes after it) is no module: Refused. (l4.os.spawn spawns real ones:
/// here a task that ran beside the fuzzer would make the OS's frame pool grow by
/// chance, and the leak check after the run could not tell that from a leak.)
Allowed Fuzzer::spawn() {
    m_label = os::proto::Spawn::kLabel;
    put(kWordsOf<os::SpawnRequest>);
    for (unsigned i = 0; i < kWordsOf<os::SpawnRequest>; ++i) l4::set_mr(1 + i, m_random.next() | 0x01010101);
    if (m_random.one_in(4)) l4::set_mr(1, 'o' | 's' << 8 | 't' << 16 | 'e' << 24);  // "oste" and more: no module
    return {-1, bit(Status::Refused)};
}

/// Refused unless page-aligned, not empty, not wrapping, all in the heap or all in
/// the stack area; even then it may be refused (touched pages, no room for another
/// range). This thread's own stack slot is left alone (see the top of the file).
Allowed Fuzzer::make_local() {
    Word start = random_address();
    Word bytes = m_random.one_in(4) ? random_word() : (m_random.below(8)) * os::kPageSize;
    Word end = start + bytes;
    if (start < os::stack_top(0) && end > os::kStackArea) start = os::stack_top(0);
    end = start + bytes;
    words(os::proto::MakeLocal::kLabel, {start, bytes});
    bool aligned = start % os::kPageSize == 0 && bytes % os::kPageSize == 0;
    bool inside = (start >= os::heap_start() && end <= os::kHeapEnd) ||
                  (start >= os::kStackArea && end <= os::kStackAreaEnd);
    if (bytes == 0 || !aligned || end < start || !inside) return {-1, bit(Status::Refused)};
    return {1, bit(Status::Refused)};
}

/// Refused for an unknown mode, an unaligned start, 0 or more than kMaxUnmapPages
/// pages, or a range not all in the heap or all in the stack area. A range in the
/// stack area that takes in this thread's own stack is only made read-only (its next
/// write faults and gets write access back).
Allowed Fuzzer::unmap() {
    Word start = random_address();
    Word pages = m_random.one_in(4) ? random_word() : m_random.below(os::kMaxUnmapPages + 2);
    Word how = m_random.one_in(6) ? random_word() : m_random.below(2);
    Word end = start + pages * os::kPageSize;
    bool own_stack = start < os::stack_top(0) && (end > os::kStackArea || end < start);
    if (own_stack && how == static_cast<Word>(os::UnmapHow::Unmap)) how = static_cast<Word>(os::UnmapHow::ReadOnly);
    words(os::proto::Unmap::kLabel, {start, pages, how});
    bool known = how <= static_cast<Word>(os::UnmapHow::ReadOnly);
    bool inside = pages <= os::kMaxUnmapPages && start < end &&
                  ((start >= os::heap_start() && end <= os::kHeapEnd) ||
                   (start >= os::kStackArea && end <= os::kStackAreaEnd));
    if (!known || start % os::kPageSize != 0 || pages == 0 || !inside) return {-1, bit(Status::Refused)};
    // On the NUMA OS a range that overlaps a make_local range is refused.
    return {int(kWordsOf<os::UnmapStatus>), bit(Status::Refused)};
}

/// One of the protocol's procedures (not exit) with its word count.
Allowed Fuzzer::procedure() {
    switch (m_random.below(7)) {
    case 0: return create_thread();
    case 1: return migrate_thread();
    case 2: return spawn();
    case 3: none(os::proto::GetTaskInfo::kLabel); return {int(kWordsOf<os::TaskInfo>), 0};
    case 4: none(os::proto::GetArgs::kLabel); return {int(kWordsOf<os::ArgsText>), 0};
    case 5: return make_local();
    default: return unmap();
    }
}

bool Fuzzer::one(unsigned index) {
    Allowed allowed;
    m_item = false;
    switch (m_random.below(9)) {
    case 0: allowed = malformed(); break;
    case 1: allowed = unknown_label(); break;
    case 2: allowed = with_map_item(); break;
    case 3: allowed = pager_protocol(); break;
    default: allowed = procedure(); break;
    }
    unsigned untyped = m_words;
    unsigned typed = m_item ? api::kMapItemWords : 0;
    Word sent[3] = {m_label, untyped > 0 ? l4::mr(1) : 0, untyped > 1 ? l4::mr(2) : 0};
    l4::set_mr(0, MsgTag::make(m_label, untyped, typed).raw());
    MsgTag answer = l4::call(l4::pager(), l4::milliseconds(kTimeoutMs), l4::milliseconds(kTimeoutMs));
    const char* wrong = nullptr;
    if (l4::ipc_failed(answer)) {
        if (allowed.ipc_may_fail) {
            ++m_tally.ipc_failed;
            return true;
        }
        wrong = "no answer (the IPC failed)";
    } else if (answer.label() == l4::rpc::kReplyOk) {
        if (allowed.ok_words < 0) wrong = "a result where an error was due";
        else if (answer.untyped() != unsigned(allowed.ok_words) || answer.typed() != 0) wrong = "a result of the wrong size";
        else ++m_tally.results;
    } else if (answer.label() == l4::rpc::kReplyError && answer.untyped() == 1 && answer.typed() == 0) {
        Word status = l4::mr(1);
        if (status >= 32 || (allowed.errors & (1u << status)) == 0) {
            wrong = "an error reply with a status the request does not call for";
        } else if (status == Word(Status::Refused)) {
            ++m_tally.refused;
        } else if (status == Word(Status::Malformed)) {
            ++m_tally.malformed;
        } else {
            ++m_tally.unknown;
        }
    } else {
        wrong = "an answer that is neither a result nor an error reply";
    }
    if (wrong == nullptr) return true;
    l4::printf("ostest: fuzz: request %u (label %x, %u words, %u typed; MR1 %x, MR2 %x) got %s: label %x, %u words, "
               "MR1 %x, ErrorCode %x\n",
               index, unsigned(sent[0]), untyped, typed, sent[1], sent[2], wrong, unsigned(answer.label()),
               unsigned(answer.untyped()), l4::mr(1), l4::ipc_failed(answer) ? l4::error_code() : 0);
    return false;
}

}  // namespace

int mode_fuzz() {
    Word count = 0, seed = 0;
    char text[16];
    if (!os::arg_value("count", text, sizeof text) || !l4::parse_number(text, &count)) count = 500;
    if (!os::arg_value("seed", text, sizeof text) || !l4::parse_number(text, &seed)) seed = 1;
    l4::printf("ostest: fuzz: %u requests to pager %x, seed %x\n", unsigned(count), l4::pager().raw(), seed);
    Fuzzer fuzzer(seed);
    for (unsigned i = 0; i < count; ++i)
        if (!fuzzer.one(i)) return failed(1, "a request got an answer it does not allow");
    const Tally& t = fuzzer.tally();
    l4::printf("ostest: fuzz: %u results, %u refused, %u malformed, %u unknown, %u IPCs failed\n", t.results,
               t.refused, t.malformed, t.unknown, t.ipc_failed);
    if (os::task_info().page_faults == 0) return failed(2, "task_info after the fuzzing");
    return 0;
}

}  // namespace ostest
