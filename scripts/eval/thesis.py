"""thesis.py: what the thesis (Kupferschmied 2008, chapter 5; ../shared/thesis.txt) says
each experiment should show. Its figures are plots without printed values, so these are
its statements, quoted or closely paraphrased with their section and figure, never
numbers read off a plot. report.py prints them beside our measurements.
"""

EXPECTED = {
    "ipc": [
        ("5.2, Figure 5.1", "remote/local read latency ratio r = c_remote / c_local ~ 1.4 on the two-node "
                            "Opteron: \"only modest performance improvements\" expected from locality of kernel "
                            "objects (numaprof's R = 1.4 is this r)"),
        ("5.3, Figures 5.2, 5.3", "two threads in their own spaces on node 1, caches enabled: cycles and remote "
                                  "accesses per IPC with TCB migration and code replication on/off"),
        ("5.3, Figures 5.4, 5.5", "caches disabled: \"a clear performance improvement caused both by TCB migration "
                                  "and kernel code replication, whereas TCB migration is more beneficial than code "
                                  "replication\"; remote accesses per IPC \"decrease drastically\""),
        ("5.3, Figures 5.6, 5.7", "threads and spaces made on their home node instead of migrated there: cycles per "
                                  "IPC \"not improved\", remote accesses per IPC \"clearly reduced\""),
    ],
    "arraywalk": [
        ("5.4.1, Figures 5.8-5.10", "overlap 1 (worst case, the NUMA OS takes twice the page faults): with few "
                                    "iterations the non-NUMA OS is faster, with more iterations the NUMA OS "
                                    "outperforms it, even where its total remote accesses are higher"),
        ("5.4.1, Figures 5.11, 5.12", "overlap 0 (best case): the NUMA OS does not suffer more page faults and "
                                      "walks local memory"),
        ("5.4.1, Figure 5.14", "1 iteration: the NUMA OS loses from about 30% overlap (it \"suffers from the "
                               "additional page faults even with a small degree of overlapping\")"),
        ("5.4.1, Figure 5.15", "4 iterations: the NUMA OS wins up to 90% overlap"),
        ("5.4.1, Figure 5.13", "each thread on its own array, local vs global mappings: \"the advantage of "
                               "local mappings is rather small, i.e. the costs for synchronization are relatively "
                               "low in our scenario\""),
        ("5.4.1, Figure 5.16", "single vs per-node address spaces, overlap 1: per-node spaces have higher "
                               "startup costs (more page faults), and better page-table locality does not make "
                               "up for them, even with many iterations"),
    ],
    "unmap": [
        ("5.4.2, Figure 5.17", "one global page: the NUMA OS needs two additional cross-CPU IPCs per other "
                               "pager, so its cost \"increase[s] linearly with every additional pager\"; the "
                               "non-NUMA OS unmaps with one system call"),
    ],
}
