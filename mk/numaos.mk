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
