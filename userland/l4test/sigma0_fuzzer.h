// sigma0_fuzzer.h: random messages to sigma0 from a thread in a non-privileged space
// (the sigma0 protocol: userland/sigma0/server.h).
//
// Each message has a label that is sigma0's (page fault, request, IO fault, any
// access bits) or random, an untyped word count that is right, too small or random
// (up to 63), sometimes typed words, and random words, and the fuzzer sometimes
// accepts mappings anywhere in its space. It knows which messages sigma0 answers (a
// request with at least one word; an IO fault with at least one word naming ports) and
// calls sigma0 for those: an answer must come. The others it only sends, and now and
// then calls with a short receive timeout: no answer may come. Sigma0 must never give
// it memory, and the rules make every message one that no correct sigma0 answers with
// memory:
//  - under a page-fault label, MR1 (the fault address) lies at or above 3 GiB, where
//    no preset has memory;
//  - under the request label, MR1 is an fpage sigma0 must refuse: nil, too small or
//    too large (log2 below 12 or above 31), a memory fpage moved to 3 GiB or above, or
//    "any page" with a node attribute (MR2) naming a node no machine has;
//  - IO fpages are fair: sigma0 hands ports to anyone (the fuzzer never uses them).
// So sigma0 must answer a request with a nil fpage or ports, never with memory, and
// the counts the kernel keeps must be back once the fuzzer's space is gone.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"

namespace l4test {

/// What one run of the sigma0 fuzzer saw.
struct Sigma0FuzzCounts {
    api::Word sent;        ///< messages sigma0 received (the send phase succeeded)
    api::Word refused;     ///< answers with a nil fpage (or no map item)
    api::Word ports;       ///< answers with IO ports
    api::Word memory;      ///< answers with memory: must stay 0
    api::Word unaccepted;  ///< answers with a map item the fuzzer had no window for
    api::Word missing;     ///< messages sigma0 must answer that got no answer: must stay 0
    api::Word stray;       ///< answers to messages sigma0 must ignore: must stay 0
    api::Word failed;      ///< sends the kernel refused (typed words that are no valid item,
                           ///< a map item sigma0 does not accept, a send timeout)
};

/// Sends `messages` random messages to `sigma0`.
Sigma0FuzzCounts fuzz_sigma0(api::ThreadId sigma0, api::Word messages, api::Word seed);

}  // namespace l4test
