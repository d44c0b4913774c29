# mk/gdb.mk: GDB's start-up file and the GDB test. Included by the top Makefile
# after mk/bochs.mk.
#
#   $(KBUILD)/gdbinit  what `make gdb` (and the test) hands to gdb -x: the
#                      kernel's symbols, the Proxima commands of
#                      scripts/gdb/proxima.py (proxima-threads, proxima-tcb,
#                      proxima-space, proxima-runqueues; docs/debugging.md),
#                      and the connection to `make qemu-gdb` on GDBPORT
#   make gdb-test      QEMU stopped for GDB (make qemu-gdb, debug build, a random
#                      port on 127.0.0.1); GDB must stop at kernel_main, then in
#                      a system call of the user level, where the Proxima
#                      commands must show sigma0 and the root task
#
# tests/gdb/break_test.sh runs it; it calls make again for the debug kernel
# and for qemu-gdb, so the test goes through the targets students use.

GDB_TEST_DIR := $(BUILD)/gdb-test
GDB_SCRIPT   := scripts/gdb/proxima.py

# Rewritten whenever its contents change (another GDBPORT or build), never stale.
$(KBUILD)/gdbinit: FORCE
	@mkdir -p $(@D)
	@printf 'set architecture i386\nfile %s\nsource %s\ntarget remote 127.0.0.1:%s\n' \
	  "$(abspath $(KERNEL))" "$(abspath $(GDB_SCRIPT))" "$(GDBPORT)" > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@

gdb-test: | $(TOOLS_OK)
	@MAKE="$(MAKE)" bash tests/gdb/break_test.sh $(BUILD) $(GDB_TEST_DIR)
