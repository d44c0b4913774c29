"""Lab code that steals the run's nonce, for the labs' forgery checks (test_lab*.py).

FIND_NONCE is C++ for a lab function's body: it searches memory for the kernel
command line (through the direct map) and leaves the run's nonce in `nonce`
("not-found" if it is not there); find_nonce() searches other memory (a
user-level lab's own image). Each lab's check appends the result lines it
prints with it, through the only channels the fence leaves (lab_printf and a
panic message), which both come out escaped on one line.
"""

def find_nonce(memory, size):
    """C++ for a lab function's body: searches the `size` bytes at address `memory` (C++
    expressions) for the command line's nonce and leaves it in `nonce` ("not-found" if
    it is not there)."""
    return r'''
    const char pattern[] = {'n', 'o', 'n', 'c', 'e', '=', '\0'};
    const char* memory = reinterpret_cast<const char*>(MEMORY);
    char nonce[17] = "not-found";
    for (size_t i = 0; i + 32 < (SIZE); ++i) {
        if (memory[i] != 'n' || memcmp(memory + i, pattern, 6) != 0) continue;
        bool hex = true;
        for (int k = 0; k < 16; ++k) {
            char c = memory[i + 6 + k];
            hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
        if (!hex) continue;
        memcpy(nonce, memory + i + 6, 16);
        nonce[16] = '\0';
        break;
    }
'''.replace("MEMORY", memory).replace("SIZE", size)


# The kernel labs': the kernel command line, through the direct map.
FIND_NONCE = find_nonce("0xC0000000", "32u << 20")


def assert_thief_earned_nothing_but_was_seen(test, runs):
    """The forgery checks' common end, on the runs of a thief's submission: it found
    the nonce and what it printed is there, escaped on its own `lab|` line, and every
    run ended in its panic, whose message shows the forged lines escaped too."""
    lines = [line["text"] for run in runs for line in run["lab_printf"]["lines"]]
    test.assertTrue(any(line.startswith("lab| stolen\\nKTEST ") and "not-found" not in line for line in lines),
                    "\n".join(lines[-40:]))
    test.assertTrue(all(run["verdict"] == "panic" and "stolen\\nKTEST" in run["reason"] for run in runs),
                    [run["reason"] for run in runs])


# C++ for the start of an application pager's lab function (Labs 5 and 6): the places
# a pager can read besides its own image (which never holds the nonce: the pager never
# sees the command line), every program module in the module window and every node's
# pool, as places[place][0] (address) and [1] (size); it opens the loop over them that
# find_nonce's search goes in, and sets `found` to "not-found".
PAGER_SEARCH = r'''
    const numa::System& s = *g_self.system;
    Word places[numa::System::kMaxModules + numa::kMaxNodes][2];
    unsigned places_count = 0;
    for (unsigned i = 0; i < s.module_count; ++i) {
        places[places_count][0] = s.modules[i].address;
        places[places_count][1] = s.modules[i].size;
        ++places_count;
    }
    for (unsigned node = 0; node < s.nodes; ++node)
        if (s.has_pool[node]) {
            places[places_count][0] = numa::pool_base(node);
            places[places_count][1] = numa::Pool::of_node(node).size();
            ++places_count;
        }
    const char* found = "not-found";
    for (unsigned place = 0; place < places_count; ++place) {
'''
