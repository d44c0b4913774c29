# mk/bench.mk: benchmarks of the kernel core. Included by the top Makefile, after
# mk/userland.mk (it uses that file's compiler flags, library and sigma0).
#
#   make bench [TOPO=2x2|uma|...] [KARGS='rounds=N batches=N remote_cpu=N'] [ICOUNT=1]
#       builds the kernel, sigma0 and userland/ipcbench, boots them in QEMU (sigma0 as
#       module 0, ipcbench as module 1, the root task), and lets scripts/bench/run.py
#       collect ipcbench's BENCH lines into $(BUILD)/bench/ipc.csv, a plot
#       $(BUILD)/bench/ipc.png (when gnuplot is installed) and a table on the terminal.
#
# Benchmarks are not tests: `make test` does not run them, and a slow kernel does not
# fail them. The cycles are the time-stamp counter of QEMU's emulated CPUs (TCG), which
# follows the host's clock: they vary with the host's load and are not a real CPU's.
# ICOUNT=1 runs QEMU with -icount shift=0, where the counter advances one per guest
# instruction: exact, repeatable instruction counts. docs/benchmarks.md says more.

IPCBENCH_ELF  := $(KBUILD)/userland/ipcbench.elf
IPCBENCH_SRCS := $(sort $(wildcard userland/ipcbench/*.cc))
IPCBENCH_OBJS := $(call user_objs,$(IPCBENCH_SRCS))
# The root-task machinery ipcbench borrows from the test root task: local threads,
# created spaces and their pager, the kernel command line through sigma0.
IPCBENCH_L4TEST_OBJS := $(call user_objs,$(addprefix userland/l4test/,threads.cc test_space.cc pager.cc \
	root_memory.cc boot_info.cc))
# The root task's address (userland/l4test/layout.h draws the rest of the plan).
IPCBENCH_LINK_BASE := 0x00400000

BENCH_OUT     := $(BUILD)/bench
BENCH_TIMEOUT ?= 900
ICOUNT        ?= 0
BENCH_ICOUNT  := $(if $(filter 1,$(ICOUNT)),-icount shift=0)

.PHONY: bench

$(IPCBENCH_OBJS): $(USERLAND_OBJDIR)/%.o: %.cc | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(CXX) $(USER_CXXFLAGS) -MMD -MP -c $< -o $@

$(IPCBENCH_ELF): $(IPCBENCH_OBJS) $(IPCBENCH_L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT)
	$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(IPCBENCH_LINK_BASE) -o $@ $(IPCBENCH_OBJS) \
	  $(IPCBENCH_L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

-include $(IPCBENCH_OBJS:.o=.d)

# QEMU_CMD (top Makefile) boots MODULES; for the benchmark they are sigma0 and ipcbench.
bench: MODULES = $(SIGMA0_ELF),$(IPCBENCH_ELF)
bench: $(KERNEL) $(SIGMA0_ELF) $(IPCBENCH_ELF) check-topo
	$(PYTHON) scripts/bench/run.py --topo '$(or $(if $(MACHINE),custom),$(TOPO))' --out $(BENCH_OUT) \
	  --timeout $(BENCH_TIMEOUT) $(if $(BENCH_ICOUNT),--icount) -- $(QEMU_CMD) $(BENCH_ICOUNT)
