# mk/bench.mk: benchmarks of the kernel core and of the base OS. Included by the top
# Makefile, after mk/userland.mk and mk/os.mk (it uses their compiler flags, library,
# sigma0, base OS and programs).
#
#   make bench [TOPO=2x2|uma|...] [ICOUNT=1]     the parts below and make compat (mk/compat.mk), one after the other
#   PROFILE=numa (bench-ipc, bench-apps): every boot under numaprof (mk/profile.mk): its table
#       at the end of the boot's output (bench-apps: each log in $(BENCH_OUT)/logs), the last
#       boot's in $(PROFILE_OUT)
#   make bench-ipc [KARGS='rounds=N batches=N remote_cpu=N']
#       builds the kernel, sigma0 and userland/ipcbench, boots them in QEMU (sigma0 as
#       module 0, ipcbench as module 1, the root task), and lets scripts/bench/run.py
#       collect ipcbench's BENCH lines (round trips with 0, 2, 8 and 63 words) into
#       $(BUILD)/bench/ipc.csv, a plot $(BUILD)/bench/ipc.png (when gnuplot is
#       installed) and a table on the terminal; then the one-way cost in the form of
#       Pistachio's pingpong (inter-/intra-AS, same/other CPU, 0, 8, 63 words, beside
#       Pistachio's figures) as a second table and $(BUILD)/bench/ipc-oneway.csv.
#   make bench-apps [PINGPONG_ARGS='rounds=N batches=N'] [ARRAYWALK_OVERLAPS='0 0.5 1']
#                   [ARRAYWALK_ITERS='1 4'] [ARRAYWALK_MB=8] [UNMAP_PAGES='1 64']
#                   [UNMAP_ROUNDS=50] [MIGRATE_ROUNDS=50] [OS=numa]
#       boots the base OS with userland/apps/pingpong once, userland/apps/arraywalk
#       once per overlap and iteration count (the thesis's 5.3 and 5.4.1),
#       userland/apps/unmapbench once per number of pages (5.4.2) and
#       userland/apps/migratebench once (Lab 7, 4.2.4), and lets scripts/bench/apps.py
#       write $(BUILD)/bench/{pingpong,arraywalk}.{csv,png}, unmap.csv and
#       migratebench.csv, the serial logs in $(BUILD)/bench/logs/ and tables on the
#       terminal. An empty ARRAYWALK_OVERLAPS, UNMAP_PAGES or MIGRATE_ROUNDS leaves that
#       program out. OS=numa: the same on the NUMA OS (docs/numaos.md), into
#       $(BUILD)/bench/numa/.
#   make trace-ipc [TRACE_ARGS='--first ipc::post --skip 300 --symbol sysenter_entry --cpus 2'] [TOPO=..]
#       where one IPC's guest instructions go: boots ipcbench (rounds=100 batches=1)
#       under -icount and GDB, steps one CPU from one pass through a kernel symbol to
#       the next (default: one fast-path IPC between two spaces, ipc_fast_switched), and
#       prints the instructions by function (scripts/bench/trace_ipc.py). Minutes.
#   make check-apps
#       a test, not a benchmark: boots pingpong, arraywalk, unmapbench and migratebench
#       with short parameters under uma and 2x2 (scripts/bench/check_apps.py), and
#       ipcbench with a few rounds under ICOUNT=1 on 2x2 (as make bench-ipc); fails
#       unless each printed its result lines and exited with 0.
#
# Benchmarks are not tests: `make test` does not run them, and a slow kernel does not
# fail them. The cycles are the time-stamp counter of QEMU's emulated CPUs (TCG), which
# follows the host's clock: they vary with the host's load and are not a real CPU's.
# ICOUNT=1 runs QEMU with -icount shift=0, where the counter advances one per guest
# instruction: exact, repeatable instruction counts. docs/benchmarks.md says more.

IPCBENCH_ELF  := $(KBUILD)/userland/ipcbench.elf
IPCBENCH_SRCS := $(call user_sources,$(sort $(wildcard userland/ipcbench/*.cc)))
IPCBENCH_OBJS := $(call user_objs,$(IPCBENCH_SRCS))
# The root-task machinery ipcbench borrows from the test root task: local threads,
# created spaces and their pager, the kernel command line through sigma0.
IPCBENCH_L4TEST_OBJS := $(call user_objs,$(call user_sources,$(addprefix userland/l4test/,threads.cc test_space.cc \
	pager.cc root_memory.cc boot_info.cc)))
# The root task's address (userland/l4test/layout.h draws the rest of the plan).
IPCBENCH_LINK_BASE := 0x00400000

BENCH_OUT     ?= $(BUILD)/bench
BENCH_TIMEOUT ?= 900
BENCH_ICOUNT  := $(QEMU_ICOUNT)
BENCH_TOPO     = $(or $(if $(MACHINE),custom),$(TOPO))

# The thesis's array-walk grid (Figures 5.14, 5.15): overlaps 0 to 1 in steps of 0.1,
# 1 and 4 iterations; one boot each, a few seconds with 8 MiB arrays.
PINGPONG_ARGS      ?=
ARRAYWALK_OVERLAPS ?= 0 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1
ARRAYWALK_ITERS    ?= 1 4
ARRAYWALK_MB       ?= 8
# unmapbench (thesis Figure 5.17): one page, and around the base OS's 64 fpages per
# Unmap system call up to the protocol's most (os::kMaxUnmapPages); one boot each.
UNMAP_PAGES        ?= 1 63 64 128
UNMAP_ROUNDS       ?= 50
# migratebench: round trips per case (same node, another node with and without a
# space of the task there); both moves of each are measured. One boot.
MIGRATE_ROUNDS     ?= 50
BENCH_APP_DIR       = $(KBUILD)/userland
BENCH_APP_ELFS      = $(BENCH_APP_DIR)/pingpong.elf $(BENCH_APP_DIR)/arraywalk.elf $(BENCH_APP_DIR)/unmapbench.elf \
	$(BENCH_APP_DIR)/migratebench.elf

.PHONY: bench bench-ipc bench-apps check-apps trace-ipc

# One part after the other (never in parallel: they measure time); both always run.
bench:
	@status=0; $(MAKE) --no-print-directory bench-ipc || status=1; \
	 $(MAKE) --no-print-directory bench-apps || status=1; \
	 $(MAKE) --no-print-directory compat || status=1; exit $$status

$(IPCBENCH_ELF): $(IPCBENCH_OBJS) $(IPCBENCH_L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(IPCBENCH_LINK_BASE) -o $@ $(IPCBENCH_OBJS) \
	  $(IPCBENCH_L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

-include $(IPCBENCH_OBJS:.o=.d)

# QEMU_CMD (top Makefile) boots MODULES; for ipcbench they are sigma0 and ipcbench.
bench-ipc: MODULES = $(SIGMA0_ELF),$(IPCBENCH_ELF)
bench-ipc: $(KERNEL) $(SIGMA0_ELF) $(IPCBENCH_ELF) check-topo
	$(PYTHON) scripts/bench/run.py --topo '$(BENCH_TOPO)' --out $(BENCH_OUT) \
	  --timeout $(BENCH_TIMEOUT) $(if $(BENCH_ICOUNT),--icount) --kargs '$(KARGS)' -- $(QEMU_CMD) $(BENCH_ICOUNT) \
	  $(QEMU_PROFILE)

TRACE_ARGS ?=
trace-ipc: MODULES = $(SIGMA0_ELF),$(IPCBENCH_ELF)
trace-ipc: KARGS = rounds=100 batches=1
trace-ipc: $(KERNEL) $(SIGMA0_ELF) $(IPCBENCH_ELF) check-topo
	$(PYTHON) scripts/bench/trace_ipc.py --kernel $(KERNEL) $(TRACE_ARGS) -- $(QEMU_CMD) -icount shift=0

# apps.py adds the modules for each run (sigma0, the OS, the program and its
# arguments), so QEMU_CMD gets none. OS=numa runs the programs on the NUMA OS
# (mk/numaos.mk adds its programs to the prerequisites) and writes to bench/numa.
BENCH_OS_MODULES = $(if $(filter numa,$(OS)),$(SIGMA0_ELF)$(comma)$(ROOTPAGER_ELF)$(comma)$(APPPAGER_ELF),$(SIGMA0_ELF)$(comma)$(BASEOS_ELF))
BENCH_APPS_OUT = $(BENCH_OUT)$(if $(filter numa,$(OS)),/numa)
bench-apps: MODULES =
bench-apps: $(KERNEL) $(SIGMA0_ELF) $(BASEOS_ELF) $(BENCH_APP_ELFS) check-topo
	$(PYTHON) scripts/bench/apps.py --topo '$(BENCH_TOPO)' --out $(BENCH_APPS_OUT) --timeout $(BENCH_TIMEOUT) \
	  $(if $(BENCH_ICOUNT),--icount) --modules '$(BENCH_OS_MODULES)' --app-dir $(BENCH_APP_DIR) \
	  --pingpong-args '$(PINGPONG_ARGS)' --overlaps '$(ARRAYWALK_OVERLAPS)' --iters '$(ARRAYWALK_ITERS)' \
	  --mb '$(ARRAYWALK_MB)' --unmap-pages '$(UNMAP_PAGES)' --unmap-rounds '$(UNMAP_ROUNDS)' \
	  --migrate-rounds '$(MIGRATE_ROUNDS)' -- $(QEMU_CMD) $(BENCH_ICOUNT) $(QEMU_PROFILE)

# check_apps.py adds each preset's machine shape and the modules.
check-apps: $(KERNEL) $(SIGMA0_ELF) $(BASEOS_ELF) $(BENCH_APP_ELFS) $(IPCBENCH_ELF)
	$(PYTHON) scripts/bench/check_apps.py --topologies $(TOPOLOGIES) --presets uma,2x2 --unmapbench --migratebench \
	  --modules '$(SIGMA0_ELF),$(BASEOS_ELF)' --app-dir $(BENCH_APP_DIR) --log-dir $(BUILD)/check-apps \
	  -- $(QEMU) -kernel $(KERNEL) -append '' $(QEMU_DEVICES)
	$(MAKE) --no-print-directory bench-ipc TOPO=2x2 ICOUNT=1 KARGS='rounds=200 batches=2 moves=20' \
	  BENCH_OUT=$(BUILD)/check-apps/ipcbench BENCH_TIMEOUT=300
