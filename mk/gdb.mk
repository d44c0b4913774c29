# mk/gdb.mk: the GDB test. Included by the top Makefile after mk/bochs.mk.
#
#   make gdb-test    QEMU stopped for GDB (make qemu-gdb, debug build, a random
#                    port on 127.0.0.1); GDB must stop at kernel_main
#
# tests/gdb/break_test.sh runs it; it calls make again for the debug kernel
# and for qemu-gdb, so the test goes through the targets students use.

GDB_TEST_DIR := $(BUILD)/gdb-test

gdb-test: | $(TOOLS_OK)
	@MAKE="$(MAKE)" bash tests/gdb/break_test.sh $(BUILD) $(GDB_TEST_DIR)
