# mk/numaos.mk: the NUMA OS (docs/numaos.md): the root pager (userland/rootpager, the
# root task) and the application pager (userland/apppager, one per CPU), with the
# library they share (userland/lib/numa). Included by the top Makefile after
# mk/userland.mk, mk/os.mk and mk/bench.mk, whose flags, compile rule, SOL= machinery
# and programs it uses: the programs of userland/apps run unchanged on either OS.
#
#   make numaos        $(KBUILD)/userland/rootpager.elf and apppager.elf
#   make qemu OS=numa  boots sigma0, the root pager, the application pager (module 2)
#                      and the programs in APPS (mk/os.mk)
#   make numaos-tests  its start-up tests and its programs (below)

ROOTPAGER_ELF := $(KBUILD)/userland/rootpager.elf
APPPAGER_ELF  := $(KBUILD)/userland/apppager.elf
NUMAOS_ELFS   := $(ROOTPAGER_ELF) $(APPPAGER_ELF)
# Both are the only program of their address space; numa/layout.h keeps 0x00400000 ..
# 0x10000000 for the image.
NUMAOS_LINK_BASE := 0x00400000

NUMA_LIB_SRCS  := $(call user_sources,$(sort $(wildcard userland/lib/numa/*.cc)))
ROOTPAGER_SRCS := $(call user_sources,$(sort $(wildcard userland/rootpager/*.cc)) userland/lib/os/topology.cc)
APPPAGER_SRCS  := $(call user_sources,$(sort $(wildcard userland/apppager/*.cc)))
NUMA_LIB_OBJS  := $(call user_objs,$(NUMA_LIB_SRCS))
ROOTPAGER_OBJS := $(call user_objs,$(ROOTPAGER_SRCS)) $(NUMA_LIB_OBJS)
APPPAGER_OBJS  := $(call user_objs,$(APPPAGER_SRCS)) $(NUMA_LIB_OBJS)

.PHONY: numaos

numaos: $(NUMAOS_ELFS)

$(ROOTPAGER_ELF): $(ROOTPAGER_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(NUMAOS_LINK_BASE) -o $@ $(ROOTPAGER_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

$(APPPAGER_ELF): $(APPPAGER_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(NUMAOS_LINK_BASE) -o $@ $(APPPAGER_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

-include $(patsubst %.o,%.d,$(sort $(ROOTPAGER_OBJS) $(APPPAGER_OBJS)))

# The NUMA OS's tests: the root pager's l4.numa.* tests (ostest is the program the Lab 4
# tests run, numaprobe the one Lab 5's run: userland/rootpager/sync_tests.h) on machines
# with 1, 2, 4 and 8 nodes, a memoryless node and an asymmetric SLIT; then pingpong,
# arraywalk, unmapbench and migratebench to their checked results
# (scripts/bench/check_apps.py) on 2x2 and n8.
NUMAOS_TESTS := $(shell paste -sd, tests/os/numatests.list)
NUMAOS_TEST_PRESETS := uma,2x2,4x1,n8,memless,asym3
NUMAOS_MODULES := $(SIGMA0_ELF),$(ROOTPAGER_ELF),$(APPPAGER_ELF)
NUMAPROBE_ELF := $(KBUILD)/userland/numaprobe.elf

# make bench-apps OS=numa: the programs need the NUMA OS (mk/bench.mk).
bench-apps: $(if $(filter numa,$(OS)),$(NUMAOS_ELFS))

.PHONY: numaos-tests

numaos-tests: $(KERNEL) $(SIGMA0_ELF) $(NUMAOS_ELFS) $(OSTEST_ELF) $(NUMAPROBE_ELF) $(BENCH_APP_ELFS)
	$(GRADE) run --kernel $(KERNEL) --module $(SIGMA0_ELF) --module $(ROOTPAGER_ELF) --module $(APPPAGER_ELF) \
	  --module $(OSTEST_ELF) --module $(NUMAPROBE_ELF) --topo $(NUMAOS_TEST_PRESETS) --tests $(NUMAOS_TESTS) --hang-seconds 120 --timeout 900
	$(PYTHON) scripts/bench/check_apps.py --topologies $(TOPOLOGIES) --presets 2x2,n8 --unmapbench --migratebench \
	  --modules '$(NUMAOS_MODULES)' --app-dir $(BENCH_APP_DIR) --log-dir $(BUILD)/check-apps/numa \
	  -- $(QEMU) -kernel $(KERNEL) -append '' $(QEMU_DEVICES)

# make fuzz [TOPO=a,b] [CALLS=100000] [OS_CALLS=10000] [SEED=S]: the fuzzers at scale
# (scripts/fuzz.py). l4test: CALLS random system calls and then CALLS random messages
# to sigma0 on every preset (TOPO: those presets); each run must end with nothing
# leaked, the fuzzer answering, IPC and a new space working, and sigma0 having given
# no memory, answered what it must and nothing else. Then the OS protocol: ostest
# sends OS_CALLS random requests to its pager on the base OS (every preset) and, when
# the build has Labs 4 to 7 (OS=numa), from every CPU's pager of the NUMA OS (the
# presets of numaos-tests unless TOPO is given); each must get the answer it calls
# for, and frames and kernel counts must come back. Each boot draws seeds of its own
# unless SEED is given (the tables print each seed: SEED= and the same CALLS= and
# OS_CALLS= replay it). Not part of make test, whose core-tests, os-tests and
# numaos-tests run the same tests with fewer calls on fewer presets.
# Here, after mk/userland.mk and mk/os.mk: it boots their programs too.
CALLS ?= 100000
OS_CALLS ?= 10000
FUZZ_TOPO = $(if $(filter command line,$(origin TOPO)),$(TOPO),all)
FUZZ_BASEOS = base:l4.os.rpc_fuzz:$(SIGMA0_ELF),$(BASEOS_ELF),$(OSTEST_ELF)
FUZZ_NUMAOS = NUMA:l4.numa.rpc_fuzz:$(SIGMA0_ELF),$(ROOTPAGER_ELF),$(APPPAGER_ELF),$(OSTEST_ELF),$(NUMAPROBE_ELF)

fuzz: $(KERNEL) $(USERLAND_ELFS) $(BASEOS_ELF) $(OSTEST_ELF) $(if $(filter numa,$(OS)),$(NUMAOS_ELFS) $(NUMAPROBE_ELF))
	$(if $(filter numa,$(OS)),,@echo "fuzz: the build lacks Labs 4 to 7 (OS=$(OS)): the NUMA OS's protocol is not fuzzed")
	$(PYTHON) scripts/fuzz.py --kernel $(KERNEL) --module $(SIGMA0_ELF) --module $(L4TEST_ELF) \
	  --topo $(FUZZ_TOPO) --calls $(CALLS) --os-calls $(OS_CALLS) $(if $(SEED),--seed $(SEED)) \
	  --os $(FUZZ_BASEOS) $(if $(filter numa,$(OS)),--os $(FUZZ_NUMAOS) \
	  --os-topo NUMA=$(if $(filter command line,$(origin TOPO)),$(TOPO),$(NUMAOS_TEST_PRESETS))) \
	  --log-dir $(BUILD)/fuzz
