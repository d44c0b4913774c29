# mk/gdb.mk: GDB's start-up file and the GDB test. Included by the top Makefile
# after mk/bochs.mk.
#
#   $(KBUILD)/gdbinit  what `make gdb` (and the test) hands to gdb -x: the
#                      kernel's symbols, the Proxima commands (proxima-threads,
#                      proxima-tcb, proxima-space, proxima-runqueues,
#                      proxima-numa; docs/debugging.md), and the connection to
#                      `make qemu-gdb` on GDBPORT. It sources only
#                      scripts/gdb/proxima.py, which loads the command modules
#                      beside it (scripts/gdb/proxima_*.py)
#   make gdb-test      QEMU stopped for GDB (make qemu-gdb, debug build, the 2x2
#                      machine, a random port on 127.0.0.1); GDB must stop at
#                      kernel_main, then in a system call of the user level,
#                      where the Proxima commands must show sigma0, the root
#                      task, and the machine's NUMA nodes and kmem pools
#
# tests/gdb/break_test.sh runs it; it calls make again for the debug kernel
# and for qemu-gdb, so the test goes through the targets students use.

GDB_TEST_DIR := $(BUILD)/gdb-test
GDB_SCRIPT   := scripts/gdb/proxima.py

# Rewritten whenever its contents change (another GDBPORT or build), never stale.
# Its lines come from scripts/gdb/gdbinit.sh (shared with make gdb-replay).
$(KBUILD)/gdbinit: FORCE
	$(call write_stamp,bash scripts/gdb/gdbinit.sh "$(abspath $(KERNEL))" "$(abspath $(GDB_SCRIPT))" "$(GDBPORT)")

gdb-test: | $(TOOLS_OK)
	@MAKE="$(MAKE)" bash tests/gdb/break_test.sh $(BUILD) $(GDB_TEST_DIR)

# Record and replay (scripts/gdb/rr.sh, docs/debugging.md): a run on a machine with one
# CPU, recorded once, plays back instruction for instruction, also under GDB.
#   make record [TOPO=uma] [MODULES=...] [KARGS=...]  the run, recorded into $(RR_DIR)
#                      with copies of its kernel and modules
#   make replay        plays the recording back; fails if its output differs
#   make replay-gdb    the same, stopped at the first instruction for GDB on GDBPORT,
#                      through scripts/gdb/rr_reverse.py (reverse-stepi, reverse-continue)
#   make gdb-replay    (another terminal) GDB with the recorded kernel's symbols
#   make replay-test   records a test run, replays it, and stops GDB twice at the same
#                      system call of the replay: the registers must be the same; steps
#                      backwards, and finds a planted write with reverse-continue
RR_DIR := $(BUILD)/rr

.PHONY: record replay replay-gdb gdb-replay replay-test

record: $(KERNEL) check-topo
	@bash scripts/gdb/rr.sh record $(RR_DIR) $(QEMU_CMD)

replay:
	@bash scripts/gdb/rr.sh replay $(RR_DIR)

replay-gdb:
	@bash scripts/gdb/rr.sh replay-gdb $(RR_DIR) $(GDBPORT)

gdb-replay:
	gdb -q -x $(RR_DIR)/gdbinit

replay-test: | $(TOOLS_OK)
	@MAKE="$(MAKE)" bash tests/gdb/replay_test.sh $(BUILD) $(BUILD)/replay-test
