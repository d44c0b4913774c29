# Proxima top-level Makefile. `make help` lists the targets.
#
# The kernel is freestanding C++20 for IA32, built with clang and ld.lld.
# Missing tools are installed by scripts/setup.sh (Debian packages), which
# every target that needs a tool runs first; it does nothing when all are there.

BUILD    ?= build
DEBUG    ?= $(if $(filter qemu-gdb gdb,$(MAKECMDGOALS)),1,0)
VARIANT  := $(if $(filter 1,$(DEBUG)),debug,release)
KBUILD   := $(BUILD)/$(VARIANT)
KERNEL   := $(KBUILD)/kernel.elf

TOPO     ?= 2x2
MACHINE  ?=
KARGS    ?=
GDBPORT  ?= 1234
TOPOLOGIES := config/topologies.conf

CXX      := clang++
HOSTCXX  ?= clang++
LD       := ld.lld
NM       := llvm-nm
PYTHON   ?= python3
QEMU     := qemu-system-i386

# Build output: one line per step ("  CXX   kernel/mm/node_pool.cc"), the full
# command lines with V=1, nothing with make -s. Compiler errors and warnings are
# shown in full either way.
V ?= 0
ifeq ($(V),1)
Q :=
step =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
step =
else
Q := @
step = @printf '  %-5s %s\n' '$(1)' '$(2)'
endif

SETUP    := scripts/setup.sh
# $(call write_stamp,COMMAND): the recipe of a stamp (flags.stamp, sol.stamp, gdbinit),
# a FORCE target that records what its dependents were built with: COMMAND's output
# replaces the stamp only if it differs, so a change rebuilds them and nothing else
# does. The output goes first to a temporary file of this make process, so that two
# makes in one build directory (make qemu while make grade runs) do not race on it.
write_stamp = @mkdir -p $(@D) && { $(1); } > $@.new.$(MAKE_PID) && \
	{ cmp -s $@.new.$(MAKE_PID) $@ && rm -f $@.new.$(MAKE_PID) || mv -f $@.new.$(MAKE_PID) $@; }
MAKE_PID := $(shell echo $$PPID)
TOOLS_OK := $(BUILD)/.tools-ok

CLANG_RT  = $(shell $(CXX) --print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.builtins-i386.a

# -march=pentiumpro is the i686 instruction set; clang's i686 lacks only the long NOP
# (0F 1F), so it pads an aligned loop with single-byte NOPs, which run one by one
# where the code falls into the loop (13 on a lock's spin loop at every safe point;
# each counts under ICOUNT=1, docs/benchmarks.md). The same for user programs.
KERNEL_CXXFLAGS := --target=i686-unknown-none-elf -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-stack-protector -fno-pic -fno-omit-frame-pointer -nostdlib \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -march=pentiumpro -g \
	-Wall -Wextra -Werror -Wthread-safety -Wno-unused-parameter -Ikernel \
	$(if $(filter 1,$(DEBUG)),-Og -DPROXIMA_DEBUG_BUILD=1,-O2 -DPROXIMA_DEBUG_BUILD=0)
# Link-time optimisation in the release build: the small functions of other files
# (arch::cpu_index(), the scheduler's helpers) are inlined into the IPC and switch
# paths (docs/benchmarks.md). Not in KERNEL_CXXFLAGS, which the grader's fence uses
# to compile a lab file alone into an object it reads; not with DEBUG=1 (-Og).
# LTO=0 leaves it out: the kit's own lab checks (make lab-tests) build a kernel per
# mutant, and the optimising link adds about 10 s to each build.
LTO            ?= 1
KERNEL_LTO     := $(if $(filter 1,$(DEBUG)),,$(if $(filter 1,$(LTO)),-flto))
KERNEL_ASFLAGS := --target=i686-unknown-none-elf -Ikernel -g
KERNEL_LDFLAGS := -m elf_i386 -nostdlib -T kernel/arch/ia32/kernel.ld --no-pie

# Labs: SOL picks which labs' files (their manifests) come from solutions/labN/
# instead of the student's copies in kernel/ and userland/: all, none, N, N-M,
# or a comma list (1,3-4). The full kit defaults to all; a handout, which has
# no solutions/, to none.
SOLUTION_LABS := $(sort $(patsubst solutions/lab%,%,$(wildcard solutions/lab[0-9]*)))
SOL ?= $(if $(SOLUTION_LABS),all,none)
SOL_LABS := $(shell sh scripts/sol-labs.sh '$(SOL)' $(SOLUTION_LABS) || echo SOL-ERROR)
$(if $(filter SOL-ERROR,$(SOL_LABS)),$(error bad SOL= selection (see the message above)))
lab_manifest = $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' $(wildcard labs/lab$(1)-*/manifest))
# "file=solutions/labN/file" for every file the selected solutions replace
SOL_MAP := $(foreach lab,$(SOL_LABS),$(foreach f,$(call lab_manifest,$(lab)),$(f)=solutions/lab$(lab)/$(f)))
sol_source = $(or $(patsubst $(1)=%,%,$(filter $(1)=%,$(SOL_MAP))),$(1))
# Hidden tests (the instructor's kit only): HIDDEN_DIR/kernel/*.cc are linked into
# the kernel. The grader builds a submission once without them (HIDDEN_DIR=, the
# kernel the student's visible tests run on) and once with them from a directory
# outside the submission's workspace; their build lines never name them.
HIDDEN_DIR  ?= grader/hidden
HIDDEN_SRCS := $(if $(strip $(HIDDEN_DIR)),$(sort $(wildcard $(HIDDEN_DIR)/kernel/*.cc)))
HIDDEN_OBJS := $(patsubst %.cc,$(KBUILD)/hidden/%.o,$(notdir $(HIDDEN_SRCS)))

KERNEL_CC_SRCS := $(foreach f,$(shell find kernel -name '*.cc' | sort),$(call sol_source,$(f)))
KERNEL_S_SRCS  := $(shell find kernel -name '*.S' | sort)
KERNEL_OBJS    := $(KERNEL_CC_SRCS:%.cc=$(KBUILD)/%.o) $(KERNEL_S_SRCS:%.S=$(KBUILD)/%.o) $(HIDDEN_OBJS)

QEMU_TOPO_ARGS = $(or $(MACHINE),$(shell sed -n 's/^$(TOPO)[[:space:]]*=[[:space:]]*//p' $(TOPOLOGIES)))
QEMU_DEVICES   := -no-reboot -display none -device isa-debug-exit,iobase=0xf4,iosize=0x04
QEMU_CMD        = $(QEMU) -kernel $(KERNEL) -append "$(KARGS)" $(QEMU_MODULE_ARGS) $(QEMU_TOPO_ARGS) $(QEMU_DEVICES)
# ICOUNT=1: QEMU counts guest instructions (-icount shift=0): the time-stamp counter
# advances one per instruction, so benchmarks print exact, repeatable counts
# (docs/benchmarks.md). make qemu and qemu-gdb add it here; make bench (mk/bench.mk) too.
ICOUNT         ?= 0
QEMU_ICOUNT     = $(if $(filter 1,$(ICOUNT)),-icount shift=0)

.PHONY: FORCE check-topo print-kernel print-kernel-cxxflags grade grade-one handout lab-tests lab-matrix stress all kernel qemu qemu-gdb gdb bochs iso test host-tests grader-tests boot-tests gdb-test replay-test bochs-test \
	tools docs clean help compile_commands.json

all: kernel compile_commands.json

kernel: $(KERNEL)

help:
	@echo "make qemu [TOPO=2x2|uma|4x1|asym|...] [MACHINE='qemu options'] [KARGS='kernel options']"
	@echo "                      build and boot the kernel in QEMU (serial on this terminal; Ctrl-A X quits);"
	@echo "                      ICOUNT=1: -icount shift=0, the time-stamp counter counts guest instructions"
	@echo "make qemu-gdb         the same, stopped at the first instruction, waiting for GDB on 127.0.0.1:\$$GDBPORT"
	@echo "make gdb              start GDB with the kernel's symbols, connected to make qemu-gdb"
	@echo "make record [TOPO=uma] then make replay, or make replay-gdb and make gdb-replay"
	@echo "                      record a run on a one-CPU machine once and play it back exactly (docs/debugging.md)"
	@echo "make bochs            boot the same system as make qemu from a GRUB ISO in Bochs (serial also in $(BUILD)/bochs/serial.log)"
	@echo "make qemu [APPS='demo']  boots sigma0, the base OS (userland/baseos) and programs of userland/apps:"
	@echo "                      APPS='arraywalk overlap=0.5 iter=4; pingpong' (';' between programs; docs/baseos.md)"
	@echo "make qemu MODULES=... other multiboot modules: MODULES=sigma0,l4test (program names, or files:"
	@echo "                      build/release/userland/sigma0.elf,...) boots the test root task; MODULES= the kernel alone"
	@echo "make userland         build sigma0 and the test root task"
	@echo "make programs PROGRAMS='sigma0 l4test'  build these user programs (what make grade builds for a stage's modules)"
	@echo "make qemu OS=numa     the same programs on the NUMA OS: root pager and one application pager per CPU (docs/numaos.md);"
	@echo "                      the default in the full kit (OS=base: the base OS, the default in a handout)"
	@echo "make os               build the base OS, its library and every program in userland/apps (make numaos: the NUMA OS)"
	@echo "make core-tests       the kernel core's user-level tests (userland/l4test) on uma, 2x2 and 4x1, with and without fastpath=off"
	@echo "make os-tests         the base OS's tests (baseos runs userland/apps/ostest) on uma, 2x2 and 4x1"
	@echo "make numaos-tests     the NUMA OS's l4.numa.* tests on six machines, then pingpong and arraywalk on it"
	@echo "make bench [TOPO=..]  IPC (ipcbench, pingpong; one-way in Pistachio's form), make compat, the array walk, unmap, migration: CSVs, plots in $(BUILD)/bench;"
	@echo "                      not a test; ICOUNT=1 counts guest instructions instead (docs/benchmarks.md)"
	@echo "make qemu PROFILE=numa  the same under numaprof, a QEMU plugin of ours: at exit, per CPU and node, instructions,"
	@echo "                      local and remote memory accesses, modeled time; per marked phase too (docs/profiling.md)"
	@echo "make profile-tests    the plugin's known-pattern test (N remote loads counted as N) on six machines"
	@echo "make eval [EVAL=tiny] the evaluation lab: the thesis's chapter 5 (pingpong, arraywalk, unmap) under numaprof on"
	@echo "                      2x2, 4x1, n8: $(BUILD)/eval/report.md with tables and plots (labs/eval/README.md)"
	@echo "make eval-test        the tiny eval into a temporary directory: every table has numbers, the plots exist"
	@echo "make trace-ipc [TOPO=uma]  one IPC's guest instructions by kernel function, stepped through QEMU's GDB stub"
	@echo "make compat [TOPO=uma,2x2] [ICOUNT=0|1|both] [PINGPONG=path]  Pistachio's pingpong (../shared/oracles) on"
	@echo "                      this kernel: every mode must finish; cycles per IPC beside Pistachio's (make compat-test: short)"
	@echo "make check-apps       boot pingpong, arraywalk, unmapbench, migratebench (uma, 2x2), ipcbench (icount) briefly: checked"
	@echo "make test             every test: host (Catch2), grader self-tests, boot tests in QEMU, gdb, bochs"
	@echo "make grade [LAB=n] [SOL=..]  grade the labs (make grade-one LAB=n TEST=name: one test)"
	@echo "make lab-matrix LAB=n [N=50] [TOPO=all]  lab n's tests on every preset, N times (the lab contract's repeats)"
	@echo "make stress [N=50] [LAB=n,m] [STAGE=..] [RECORD=1]  every graded stage N times under MTTCG; a table of what failed"
	@echo "make fuzz [TOPO=all] [CALLS=100000] [SEED=S]  random system calls and sigma0 messages from an unprivileged space on every preset; no panic, no leak"
	@echo "make docs             Doxygen HTML in $(BUILD)/docs"
	@echo "make DEBUG=1 ...      the debug build (-Og) instead of the release build (-O2)"
	@echo "make V=1 ...          show the full compiler and linker commands (default: one line per file)"
	@echo "presets: $$(sed -n 's/^\([A-Za-z0-9_-]*\)[[:space:]]*=.*/\1/p' $(TOPOLOGIES) | tr '\n' ' ')"

$(TOOLS_OK): $(SETUP)
	@bash $(SETUP)
	@mkdir -p $(@D) && touch $@

tools: $(TOOLS_OK)

# ---- the kernel ----------------------------------------------------------

$(KBUILD)/%.o: %.cc | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,CXX,$<)
	$(Q)$(CXX) $(KERNEL_CXXFLAGS) $(KERNEL_LTO) -MMD -MP -MJ $@.json -c $< -o $@

$(KBUILD)/hidden/%.o: $(HIDDEN_DIR)/kernel/%.cc | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,CXX,(a hidden test))
	$(Q)$(CXX) $(KERNEL_CXXFLAGS) $(KERNEL_LTO) -MMD -MP -MJ $@.json -c $< -o $@

$(KBUILD)/%.o: %.S | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,AS,$<)
	$(Q)$(CXX) $(KERNEL_ASFLAGS) -MMD -MP -MJ $@.json -c $< -o $@

# Two links: the first gives the symbol table that the second embeds in .ksyms
# (last in the image, so no other address moves; the check below proves it).
$(KBUILD)/ksyms-empty.S:
	@mkdir -p $(@D)
	@printf '\t.section .ksyms, "a"\n\t.global ksyms_table\n\t.balign 4\nksyms_table:\n\t.long 0\n' > $@

$(KBUILD)/ksyms-empty.o: $(KBUILD)/ksyms-empty.S
	$(call step,AS,$<)
	$(Q)$(CXX) $(KERNEL_ASFLAGS) -c $< -o $@

# With link-time optimisation the .cc objects are bitcode. One link runs the
# whole-program optimiser over them and keeps its native object (kernel.lto.o);
# both links below take that object with the assembly ones, so the optimiser runs
# once per kernel and the two links lay out the same code.
KERNEL_ASM_OBJS  := $(KERNEL_S_SRCS:%.S=$(KBUILD)/%.o)
KERNEL_LTO_OBJ   := $(KBUILD)/kernel.lto.o
KERNEL_LINK_OBJS := $(if $(KERNEL_LTO),$(KERNEL_ASM_OBJS) $(KERNEL_LTO_OBJ),$(KERNEL_OBJS))

$(KERNEL_LTO_OBJ): $(KERNEL_OBJS) $(KBUILD)/ksyms-empty.o kernel/arch/ia32/kernel.ld $(KBUILD)/sol.stamp
	$(call step,LTO,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) --lto-obj-path=$@ -o $(KBUILD)/kernel.lto.elf $(KERNEL_OBJS) \
	  $(KBUILD)/ksyms-empty.o $(CLANG_RT)

$(KBUILD)/kernel.pass1.elf: $(KERNEL_LINK_OBJS) $(KBUILD)/ksyms-empty.o kernel/arch/ia32/kernel.ld
	$(call step,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_LINK_OBJS) $(KBUILD)/ksyms-empty.o $(CLANG_RT)

$(KBUILD)/ksyms.S: $(KBUILD)/kernel.pass1.elf scripts/gen_ksyms.py
	$(call step,KSYMS,$@)
	$(Q)$(NM) -n -C --defined-only $< | $(PYTHON) scripts/gen_ksyms.py > $@

$(KBUILD)/ksyms.o: $(KBUILD)/ksyms.S
	$(call step,AS,$<)
	$(Q)$(CXX) $(KERNEL_ASFLAGS) -c $< -o $@

# Records which solutions the objects were linked from: a change of SOL relinks.
$(KBUILD)/sol.stamp: FORCE
	$(call write_stamp,echo 'SOL_LABS=$(SOL_LABS) HIDDEN=$(HIDDEN_SRCS)')

$(KBUILD)/kernel.pass1.elf: $(KBUILD)/sol.stamp

# Records the compiler flags the objects were built with: a change (LTO on or off,
# say) rebuilds them all. The links below take kernel.lto.o in place of the .cc
# objects, so an object left over from a build without LTO must not survive.
$(KBUILD)/flags.stamp: FORCE
	$(call write_stamp,echo '$(KERNEL_CXXFLAGS) $(KERNEL_LTO) $(KERNEL_ASFLAGS)')

$(KERNEL_OBJS): $(KBUILD)/flags.stamp

$(KERNEL): $(KERNEL_LINK_OBJS) $(KBUILD)/ksyms.o kernel/arch/ia32/kernel.ld $(KBUILD)/sol.stamp
	$(call step,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@.tmp $(KERNEL_LINK_OBJS) $(KBUILD)/ksyms.o $(CLANG_RT)
	@$(NM) -n $(KBUILD)/kernel.pass1.elf | grep -v -e ksyms -e _kernel_end > $(KBUILD)/syms.pass1
	@$(NM) -n $@.tmp | grep -v -e ksyms -e _kernel_end > $(KBUILD)/syms.pass2
	@cmp -s $(KBUILD)/syms.pass1 $(KBUILD)/syms.pass2 || { echo "error: embedding .ksyms moved symbols"; exit 1; }
	@mv $@.tmp $@

print-kernel:
	@echo $(KERNEL)

# The kernel's compiler flags: the grader's fence compiles each lab file alone with them.
print-kernel-cxxflags:
	@echo '$(KERNEL_CXXFLAGS)'

compile_commands.json: $(KERNEL_OBJS)
	@{ echo '['; cat $(addsuffix .json,$(KERNEL_OBJS)) | sed '$$ s/,[[:space:]]*$$//'; echo ']'; } > $@

-include $(KERNEL_OBJS:.o=.d)

# ---- running it -----------------------------------------------------------

check-topo:
	@if [ -z "$(QEMU_TOPO_ARGS)" ]; then echo "error: no preset '$(TOPO)' in $(TOPOLOGIES); try one of:"; \
	  sed -n 's/^\([A-Za-z0-9_-]*\)[[:space:]]*=.*/  \1/p' $(TOPOLOGIES); exit 2; fi

qemu: $(KERNEL) check-topo
	@echo "+ $(QEMU_CMD) $(QEMU_ICOUNT) $(QEMU_PROFILE) -serial mon:stdio"
	@$(QEMU_CMD) $(QEMU_ICOUNT) $(QEMU_PROFILE) -serial mon:stdio; status=$$?; \
	 case $$status in 0|33) exit 0;; \
	   35) echo "QEMU exited with status 35: a self-test, a test or a program failed"; exit 1;; \
	   37) echo "QEMU exited: kernel panic"; exit 1;; \
	   *) echo "QEMU exited with status $$status"; exit 1;; esac

qemu-gdb: $(KERNEL) check-topo $(KBUILD)/gdbinit
	@echo "QEMU waits for GDB on 127.0.0.1:$(GDBPORT): run 'make gdb' in another terminal"
	$(QEMU_CMD) $(QEMU_ICOUNT) $(QEMU_PROFILE) -serial mon:stdio -S -gdb tcp:127.0.0.1:$(GDBPORT)


FORCE:

gdb: $(KERNEL) $(KBUILD)/gdbinit
	gdb -q -x $(KBUILD)/gdbinit

# ---- tests ----------------------------------------------------------------

include tests/host/host.mk
# make qemu boots sigma0, an OS and the programs in APPS (mk/os.mk): OS=base the base OS
# (docs/baseos.md), OS=numa the NUMA OS's root pager and application pager (mk/numaos.mk,
# docs/numaos.md). The default is the NUMA OS when the build takes Labs 4 to 7 (its
# files) from solutions/ (the full kit), else the base OS (a handout, whose NUMA OS is
# the student's to finish: OS=numa boots it). MODULES=... boots other modules instead
# (the test root task: sigma0.elf,l4test.elf).
OS ?= $(if $(filter-out $(SOL_LABS),4 5 6 7),base,numa)
OS_MODULES_base = $(SIGMA0_ELF),$(BASEOS_ELF),$(APP_MODULES)
OS_MODULES_numa = $(SIGMA0_ELF),$(ROOTPAGER_ELF),$(APPPAGER_ELF),$(APP_MODULES)
$(if $(filter base numa,$(OS)),,$(error OS=$(OS): the OS is base or numa))
MODULES ?= $(OS_MODULES_$(OS))

include mk/userland.mk
include mk/os.mk
include mk/bench.mk
include mk/compat.mk
include mk/numaos.mk
include mk/bochs.mk
include mk/gdb.mk
include mk/profile.mk
include mk/eval.mk

# make qemu builds the programs its modules name in this build (the first word of each
# entry). Here, after every mk/*.mk: the default modules name the base OS, the NUMA OS
# and the APPS programs, whose names those files define (a prerequisite list is expanded
# where it is read, so it must not be read before them).
qemu qemu-gdb record: $(filter $(KBUILD)/userland/%.elf,$(subst $(comma), ,$(BOOT_MODULES)))

GRADE := $(PYTHON) grader/grade.py
SELFTESTS := $(shell paste -sd, tests/boot/selftests.list)

# The grader's own tests (fake QEMU scenarios and tiny real kernels).
grader-tests: $(TOOLS_OK)
	$(PYTHON) -m unittest discover -s tests/grader

# The kernel under every preset, 1 to 8 CPUs, and fake/disabled NUMA: each run
# must print the right topology and pass every self-test in selftests.list.
# Then the crash and protocol checks of tests/boot/test_boot.py.
boot-tests: $(KERNEL)
	$(GRADE) run --kernel $(KERNEL) --topo all --tests $(SELFTESTS) --expect-block tests/host/acpi/{topo}.expected
	$(GRADE) --presets tests/boot/smp.conf run --kernel $(KERNEL) --topo all --tests $(SELFTESTS)
	$(GRADE) run --kernel $(KERNEL) --topo smp8 --kargs numa=fake:2 --tests $(SELFTESTS) \
	  --expect-block tests/boot/smp8-fake2.expected
	$(GRADE) run --kernel $(KERNEL) --topo smp8 --kargs numa=fake:3 --tests $(SELFTESTS) \
	  --expect-block tests/boot/smp8-fake3.expected
	$(GRADE) run --kernel $(KERNEL) --topo 2x2 --kargs numa=off --tests $(SELFTESTS) --expect-block tests/boot/2x2-numa-off.expected
	PROXIMA_KERNEL=$(KERNEL) $(PYTHON) -m unittest discover -s tests/boot

# Every lab's stage must score full marks with the reference solutions (in a
# handout: with the student's code); the kit's own lab checks (the handout
# fails each lab, mutants of the solutions lose points) run where they exist.
# Their kernels are built without link-time optimisation (LTO=0 in the
# environment reaches every make the grader runs): one build per mutant, and
# the full grade first builds the objects the mutants' builds start from. The
# optimised kernel is what every other suite boots.
lab-tests: | $(TOOLS_OK)
	LTO=0 $(GRADE) lab --tree . $(if $(SOLUTION_LABS),--sol all)
	$(if $(wildcard tests/labs),LTO=0 $(PYTHON) tests/labs/timed.py)

TEST_SUITES := host-tests grader-tests boot-tests profile-tests eval-test core-tests os-tests numaos-tests check-apps compat-test lab-tests gdb-test replay-test bochs-test

# make test first builds what most suites boot, with a job per core; the suites'
# own makes then find it made. (They run one job at a time: their recipes boot
# QEMU, which takes the cores anyway, and the grader's makes are its own.)
TEST_PREBUILD = $(KERNEL) $(HOST_BIN) $(USERLAND_ELFS) $(OS_ELFS) $(NUMAOS_ELFS)
test: | $(TOOLS_OK)
	@$(MAKE) --no-print-directory -j$(shell nproc) $(TEST_PREBUILD)
	@MAKE="$(MAKE)" bash scripts/run-tests.sh $(TEST_SUITES)

# ---- labs -------------------------------------------------------------------

# make grade [LAB=n] [SOL=...]: grade this tree's labs (every lab with a stage
# when LAB is not given); exit status 0 only if every graded test passed.
GRADE_SOL = $(if $(filter command line environment,$(origin SOL)),--sol '$(SOL)')
grade: | $(TOOLS_OK)
	$(GRADE) lab --tree . $(if $(LAB),--lab $(LAB)) $(GRADE_SOL) $(GRADE_FLAGS)

# One test of one lab (GitHub Classroom runs one of these per test).
grade-one: | $(TOOLS_OK)
	@test -n "$(LAB)" -a -n "$(TEST)" || { echo "usage: make grade-one LAB=n TEST=name"; exit 2; }
	$(GRADE) lab --tree . --lab $(LAB) --only $(TEST) $(GRADE_SOL) $(GRADE_FLAGS)

# make lab-matrix LAB=n [N=50] [TOPO=all]: every test of lab n (hidden ones
# too) on every preset, N times, with the kit's kernel (the reference
# solutions and the hidden tests): the lab contract's repeat run, not part of
# make test (Lab 2: 650 runs, about an hour for N=50 on the 2-core machine).
N ?= 50
lab-matrix: $(KERNEL)
	@test -n "$(LAB)" || { echo "usage: make lab-matrix LAB=n [N=50] [TOPO=all]"; exit 2; }
	$(PYTHON) scripts/lab-matrix.py --lab $(LAB) --kernel $(KERNEL) --repeat $(N) \
	  --topo $(if $(filter command line,$(origin TOPO)),$(TOPO),all) --log-dir $(BUILD)/lab-matrix

# make stress [N=50] [LAB=n,m] [STAGE=boot,core,os,numaos] [TOPO=a,b]: every graded
# stage N times (every lab's tests on every preset, the kernel's self-tests on
# every preset, the core, base-OS and NUMA-OS tests on their suites' presets), as
# many boots at once as the host has cores, and a table of every (test, preset)
# that failed, with its first failing log and the command that reruns it
# (scripts/stress.py; build/stress/flakes.txt). LAB= or STAGE= picks; N=50 on
# everything takes many hours on the 2-core machine. RECORD=1 records the runs on
# one-CPU machines (grade.py --record) and keeps the failed ones' recordings.
stress: $(KERNEL) $(USERLAND_ELFS) $(OS_ELFS) $(NUMAOS_ELFS) $(OSTEST_ELF) $(NUMAPROBE_ELF)
	$(PYTHON) scripts/stress.py --kernel $(KERNEL) --userland $(KBUILD)/userland --repeat $(N) \
	  $(foreach lab,$(subst $(comma), ,$(LAB)),--lab $(lab)) $(if $(STAGE),--stage $(STAGE)) \
	  $(if $(filter command line,$(origin TOPO)),--topo $(TOPO)) --core-presets $(CORE_TEST_PRESETS) \
	  --os-presets $(OS_TEST_PRESETS) --numaos-presets $(NUMAOS_TEST_PRESETS) --log-dir $(BUILD)/stress \
	  $(if $(RECORD),--record)

# make handout OUT=dir: the student tree (no solutions, hidden tests or
# instructor files); see scripts/make-handout.sh.
handout:
	@test -n "$(OUT)" || { echo "usage: make handout OUT=dir"; exit 2; }
	bash scripts/make-handout.sh "$(OUT)"

docs: $(TOOLS_OK)
	PROXIMA_DOCS_OUT=$(BUILD)/docs doxygen docs/Doxyfile
	@echo "documentation: $(BUILD)/docs/html/index.html"

clean:
	rm -rf $(BUILD) compile_commands.json
