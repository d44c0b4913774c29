// rpc.h: typed remote procedure calls over L4 IPC (wire format: rpc_wire.h).
//
// A protocol is a set of procedures; a client calls them, a server answers:
//
//   using Add = l4::rpc::Proc<0x0201, Word(Word a, Word b)>;
//
//   // client
//   l4::rpc::Reply<Word> sum = l4::rpc::call<Add>(server, 2, 3);
//   if (sum.ok()) use(sum.value()); else print(status_name(sum.status()));
//
//   // server
//   l4::rpc::Reply<Word> add(ThreadId from, Word a, Word b) { return a + b; }
//   l4::rpc::Server server;
//   server.on<Add>(add);
//   server.serve();                     // receive, dispatch by label, reply, for ever
//
// The server checks every request before its handler sees it: a label with
// no handler gets UnknownProc, a request whose word count is not exactly the
// procedure's gets Malformed, both as an error reply (label kReplyError), so
// a broken or hostile client learns what it did wrong and the server goes on.
// Arguments that do not convert to the procedure's types, or do not fit the
// message registers, are compile errors.
//
// A procedure whose word count varies (the pagers' unmap of 1 to 63 fpages,
// numa/pager_protocol.h) is raw: the server registers it with on_raw() and its
// handler reads the words and loads its reply (load_words, load_error) itself; the
// client calls call_words().
#pragma once

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "l4/ipc.h"
#include "l4/rpc_wire.h"
#include "l4/utcb.h"

namespace l4::rpc {

using api::MsgTag;
using api::ThreadId;
using api::Time;

namespace detail {

template <unsigned... I>
struct Indices {};
template <typename T, T... I>
struct IndexSequence {
    using Type = Indices<I...>;
};
template <unsigned N>
using MakeIndices = typename __make_integer_seq<IndexSequence, unsigned, N>::Type;

/// Word offsets of each of Args in a message (and the total at the end).
template <typename... Args>
struct Layout {
    static constexpr unsigned kCount = sizeof...(Args);
    static constexpr unsigned kWords[kCount + 1] = {kWordsOf<Args>..., 0};
    static constexpr unsigned offset(unsigned i) {
        unsigned at = 0;
        for (unsigned k = 0; k < i; ++k) at += kWords[k];
        return at;
    }
};

template <typename T>
T load(const Word* words) {
    if constexpr (__is_same(T, bool)) return words[0] != 0;  // any bit pattern a client sends is a valid bool
    unsigned char raw[sizeof(T)];
    __builtin_memcpy(raw, words, sizeof(T));
    return __builtin_bit_cast(T, raw);
}

/// What went wrong with a call whose reply has tag `tag` (its words in the message
/// registers): IPC failed, or the server's error reply; Ok if it is neither.
[[nodiscard]] Status failure_of(MsgTag tag);

/// Loads the words of a reply to `from` into the message registers.
template <typename Result>
void load_reply(const Reply<Result>& reply) {
    if (!reply.ok()) {
        set_mr(0, MsgTag::make(kReplyError, 1, 0).raw());
        set_mr(1, static_cast<Word>(reply.status()));
        return;
    }
    Word words[kWordsOf<Result> + 1];
    unsigned count = pack(words, reply.value());
    set_mr(0, MsgTag::make(kReplyOk, count, 0).raw());
    for (unsigned i = 0; i < count; ++i) set_mr(1 + i, words[i]);
}

void load_error(Status status);

}  // namespace detail

/// The handler a server registers for procedure P.
template <typename P>
struct HandlerOf;
template <uint16_t Label, typename Result, typename... Args>
struct HandlerOf<Proc<Label, Result(Args...)>> {
    using Type = Reply<Result> (*)(ThreadId from, Args... args);

    /// Unpacks MR1.. into Args and calls `handler`; false if the words do not fit.
    static bool invoke(void (*erased)(), ThreadId from, MsgTag tag) {
        if (tag.untyped() != kWordsOfAll<Args...> || tag.typed() != 0) return false;
        Word words[kWordsOfAll<Args...> + 1];
        for (unsigned i = 0; i < kWordsOfAll<Args...>; ++i) words[i] = mr(1 + i);
        Type handler = reinterpret_cast<Type>(erased);
        detail::load_reply(call_with(handler, from, words, detail::MakeIndices<sizeof...(Args)>{}));
        return true;
    }

private:
    template <unsigned... I>
    static Reply<Result> call_with(Type handler, ThreadId from, const Word* words, detail::Indices<I...>) {
        using L = detail::Layout<Args...>;
        return handler(from, detail::load<Args>(words + L::offset(I))...);
    }
};

/// Calls procedure P at `server` and waits for the reply (both phases with
/// `timeout`; never by default).
template <typename P, typename... Given>
Reply<typename P::ResultType> call_with_timeout(ThreadId server, Time timeout, const Given&... given) {
    using Result = typename P::ResultType;
    Word words[kMaxWords];
    unsigned count = P::encode(words, given...);
    set_mr(0, MsgTag::make(P::kLabel, count, 0).raw());
    for (unsigned i = 0; i < count; ++i) set_mr(1 + i, words[i]);
    MsgTag tag = l4::call(server, timeout, timeout);
    if (Status failed = detail::failure_of(tag); failed != Status::Ok) return failed;
    if (tag.label() != kReplyOk || tag.untyped() != kWordsOf<Result> || tag.typed() != 0) return Status::BadReply;
    Word reply[kWordsOf<Result> + 1];
    for (unsigned i = 0; i < kWordsOf<Result>; ++i) reply[i] = mr(1 + i);
    return detail::load<Result>(reply);
}

template <typename P, typename... Given>
Reply<typename P::ResultType> call(ThreadId server, const Given&... given) {
    return call_with_timeout<P>(server, Time::never(), given...);
}

/// Loads a reply of `count` words (at most kMaxWords): a raw handler's result.
void load_words(const Word* words, unsigned count);
/// Loads an error reply.
void load_error(Status status);

/// Calls procedure `label` at `server` with `count` words (at most kMaxWords) and waits
/// for the reply, whose words (at most `max_reply`) go to `reply`: their number, or
/// what went wrong. The client side of a raw procedure (Server::on_raw).
Reply<unsigned> call_words(ThreadId server, uint16_t label, const Word* words, unsigned count, Word* reply,
                           unsigned max_reply);

/// A server: handlers by label, and the receive-dispatch-reply loop.
class Server {
public:
    static constexpr unsigned kMaxProcs = 32;

    /// Registers `handler` for P; false when the table is full or P's label is taken.
    template <typename P>
    bool on(typename HandlerOf<P>::Type handler) {
        for (unsigned i = 0; i < m_count; ++i)
            if (m_entries[i].label == P::kLabel) return false;
        if (m_count == kMaxProcs) return false;
        m_entries[m_count++] = {P::kLabel, reinterpret_cast<void (*)()>(handler), &HandlerOf<P>::invoke};
        return true;
    }

    /// A procedure with a variable number of words (at most kMaxWords each way): the
    /// handler reads MR1 .. MR(tag.untyped()) itself and loads its reply with
    /// load_words() or load_error(); it returns false for a malformed request (the
    /// server replies Malformed).
    using RawHandler = bool (*)(ThreadId from, MsgTag tag);
    bool on_raw(uint16_t label, RawHandler handler);

    /// Handles one received message: loads the reply (a result or an error)
    /// into the message registers. Returns false for messages that get no
    /// reply (L4 protocol messages such as page faults are not RPCs).
    bool handle(ThreadId from, MsgTag tag);

    /// Receives from anybody, handles, replies and waits for the next, for ever.
    [[noreturn]] void serve();

    /// A pager's answer to a page fault (label -2 << 4: the access bits in the label,
    /// MR1 the address, MR2 the IP): loads the reply (a map item) and returns true, or
    /// returns false for no reply.
    using PageFaultHandler = bool (*)(ThreadId from, uint16_t label, Word address, Word ip);
    /// serve(), and a page fault of any thread goes to `page_fault` (a pager's loop).
    [[noreturn]] void serve_with_faults(PageFaultHandler page_fault);

private:
    struct Entry {
        uint16_t label;
        void (*handler)();
        bool (*invoke)(void (*handler)(), ThreadId from, MsgTag tag);
    };
    Entry m_entries[kMaxProcs] = {};
    unsigned m_count = 0;
};

}  // namespace l4::rpc
