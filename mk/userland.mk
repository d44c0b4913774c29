# mk/userland.mk: the user programs. Included by the top Makefile.
#
#   make userland     $(KBUILD)/userland/sigma0.elf and $(KBUILD)/userland/l4test.elf
#   make core-tests   the kernel core's user-level tests (userland/l4test) under the
#                     uma, 2x2 and 4x1 presets, each with the IPC fast path on and
#                     off (fastpath=off) and with the Ipc stub's int (sysenter=off),
#                     through the grader
#   make programs PROGRAMS='sigma0 l4test'
#                     $(KBUILD)/userland/<name>.elf for each name (what the grader's lab
#                     mode builds for the modules a stage boots); print-programs prints
#                     their paths, in the same order
#
# The programs are freestanding C++20 for IA32 like the kernel (same compiler, same
# code-generation flags), static and not position independent, each linked at its own
# address by userland/lib/user.ld. They include the kernel's X.2 type headers as
# "api/..." (-Ikernel) and the user library as "l4/..." (-Iuserland/lib).
#
# `make qemu` boots them as multiboot modules: MODULES, a comma-separated list (module 0
# sigma0, module 1 the root task, each file optionally followed by arguments), becomes
# QEMU's -initrd list. An entry whose file is a bare program name (no '/' and no '.',
# such as `sigma0` or `demo iter=2`) stands for $(KBUILD)/userland/<name>.elf, which
# make qemu builds first. `make qemu MODULES=` boots the kernel alone.
#
# Lab files at user level and SOL=. A lab's manifest may name user sources
# (userland/rootpager/pools.cc); SOL= then takes them from solutions/labN/<same path>,
# exactly as it does kernel sources (the top Makefile's SOL_MAP and sol_source). Every
# makefile that compiles user sources does it the same way, in three steps:
#
#   FOO_SRCS := $(call user_sources,$(sort $(wildcard userland/foo/*.cc)))   # (1)
#   FOO_OBJS := $(call user_objs,$(FOO_SRCS))                                 # (2)
#   $(FOO_ELF): $(FOO_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)   # (3)
#   	$(call step,LD,$@)
#   	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=... -o $@ $(FOO_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)
#   -include $(FOO_OBJS:.o=.d)
#
# (1) user_sources swaps each file SOL selects for its solution; (2) the objects, which
# the pattern rule below compiles (a solution's object lies under .../obj/solutions/labN/,
# beside the student's, and its quoted includes also search the directory of the file it
# replaces, so `#include "pools.h"` finds userland/rootpager/pools.h); (3) the link
# depends on USER_SOL_STAMP, which changes whenever SOL selects other labs, so a change
# of SOL relinks even when every object it now links is older than the program. SOL swaps
# sources, not headers: a header named in a manifest is compiled from the tree whatever
# SOL says (as in the kernel), so manifests should name .cc files.

USERLAND_OBJDIR := $(KBUILD)/userland/obj
SIGMA0_ELF      := $(KBUILD)/userland/sigma0.elf
L4TEST_ELF      := $(KBUILD)/userland/l4test.elf
USERLAND_ELFS   := $(SIGMA0_ELF) $(L4TEST_ELF)

USER_CXXFLAGS := --target=i686-unknown-none-elf -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-stack-protector -fno-pic -fno-omit-frame-pointer -nostdlib \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -march=pentiumpro -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ikernel -Iuserland/lib \
	$(if $(filter 1,$(DEBUG)),-Og,-O2)
USER_ASFLAGS := --target=i686-unknown-none-elf -g
USER_LDSCRIPT := userland/lib/user.ld
USER_LDFLAGS := -m elf_i386 -nostdlib -static --no-pie -T $(USER_LDSCRIPT)

# Link addresses: sigma0 sees all physical memory at virt == phys, so it sits above
# any RAM a preset gives (at most 2 GiB); the root task sits at 4 MiB.
SIGMA0_LINK_BASE := 0xB0000000
L4TEST_LINK_BASE := 0x00400000

# The SOL= machinery for user sources (see the top of this file). user_sources maps a
# list of sources through sol_source (top Makefile); user_objs names their objects.
user_sources = $(foreach f,$(1),$(call sol_source,$(f)))
user_objs = $(patsubst %,$(USERLAND_OBJDIR)/%.o,$(basename $(1)))
empty :=
space := $(empty) $(empty)
comma := ,
# solutions/labN/a/b/c.cc -> a/b/c.cc: the file a solution replaces
sol_original = $(subst $(space),/,$(wordlist 3,999,$(subst /, ,$(1))))
user_sol_flags = $(if $(filter solutions/%,$(1)),-iquote $(dir $(call sol_original,$(1))))
# Records which labs' solutions the user programs were linked from: every user link
# depends on it, so a change of SOL relinks (the kernel's sol.stamp, without the hidden
# tests, which no user program links).
USER_SOL_STAMP := $(KBUILD)/userland/sol.stamp
# Records the flags the user objects were compiled with: every user object depends on
# it, so a change of flags (DEBUG=1 aside, which builds elsewhere) recompiles them all.
USER_FLAGS_STAMP := $(KBUILD)/userland/flags.stamp

# The kernel's ELF loader (kernel/lib/elf.h, pure code) is part of the library too, so
# that user-level program loaders use the same checks (elf::try_parse, elf::try_load),
# and so are the kernel's C memory and string functions (kernel/lib/string.h) and its
# formatter (kernel/lib/format.h: l4::lab_printf formats and escapes as the kernel's
# lab_printf does).
USERLAND_LIB_SRCS := $(call user_sources,$(sort $(wildcard userland/lib/*.cc userland/lib/l4/*.cc)) kernel/lib/elf.cc \
	kernel/lib/string.cc kernel/lib/format.cc) userland/lib/crt0.S
SIGMA0_SRCS       := $(call user_sources,$(sort $(wildcard userland/sigma0/*.cc)))
L4TEST_SRCS       := $(call user_sources,$(sort $(wildcard userland/l4test/*.cc)))
USERLAND_LIB_OBJS := $(call user_objs,$(USERLAND_LIB_SRCS))
SIGMA0_OBJS       := $(call user_objs,$(SIGMA0_SRCS))
L4TEST_OBJS       := $(call user_objs,$(L4TEST_SRCS))
USERLAND_CC_OBJS  := $(filter-out %/crt0.o,$(USERLAND_LIB_OBJS)) $(SIGMA0_OBJS) $(L4TEST_OBJS)

MODULES ?= $(SIGMA0_ELF),$(L4TEST_ELF)
# MODULES with bare program names expanded: "sigma0,demo iter=2" ->
# "$(KBUILD)/userland/sigma0.elf,$(KBUILD)/userland/demo.elf iter=2"
BOOT_MODULES = $(shell printf '%s\n' '$(strip $(MODULES))' | tr ',' '\n' | sed -E -e 's/^[[:space:]]+//' -e '/^$$/d' \
	-e 's@^([A-Za-z0-9_-]+)([[:space:]]|$$)@$(KBUILD)/userland/\1.elf\2@' | paste -sd, -)
QEMU_MODULE_ARGS = $(if $(strip $(MODULES)),-initrd "$(BOOT_MODULES)")

.PHONY: userland core-tests fuzz programs print-programs print-user-cxxflags

userland: $(USERLAND_ELFS)

# The grader's lab mode builds the programs a stage boots (stage.toml's modules) with
# the kernel, in one make, and asks for their paths (proxima_grader/build.py).
PROGRAMS ?=
PROGRAM_ELFS = $(patsubst %,$(KBUILD)/userland/%.elf,$(PROGRAMS))
programs: $(PROGRAM_ELFS)

print-programs:
	@echo $(PROGRAM_ELFS)

# The user programs' compiler flags: the grader's fence compiles each user-level lab
# file alone with them.
print-user-cxxflags:
	@echo '$(USER_CXXFLAGS)'

# Every user object, of any user makefile: a source taken from solutions/ also finds
# the quoted includes of the file it replaces (user_sol_flags).
$(USERLAND_OBJDIR)/%.o: %.cc $(USER_FLAGS_STAMP) | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,CXX,$<)
	$(Q)$(CXX) $(USER_CXXFLAGS) $(call user_sol_flags,$<) -MMD -MP -c $< -o $@

$(USER_SOL_STAMP): FORCE
	$(call write_stamp,echo 'SOL_LABS=$(SOL_LABS)')

$(USER_FLAGS_STAMP): FORCE
	$(call write_stamp,echo '$(USER_CXXFLAGS) $(USER_ASFLAGS)')

$(USERLAND_OBJDIR)/userland/lib/crt0.o: userland/lib/crt0.S $(USER_FLAGS_STAMP) | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,AS,$<)
	$(Q)$(CXX) $(USER_ASFLAGS) -c $< -o $@

$(SIGMA0_ELF): $(SIGMA0_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(SIGMA0_LINK_BASE) -o $@ $(SIGMA0_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

$(L4TEST_ELF): $(L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(L4TEST_LINK_BASE) -o $@ $(L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

-include $(USERLAND_CC_OBJS:.o=.d)

qemu qemu-gdb record: $(if $(strip $(MODULES)),$(USERLAND_ELFS))
# ... and the programs its modules name in this build: the top Makefile adds them once
# every mk/*.mk has defined its programs' names.

# The user-level tests of the kernel core. Generous limits: QEMU emulates, and the
# fuzzer prints a progress line every 500 system calls, so a run that goes quiet for
# the hang limit has really stopped.
#
# Every preset boots three times: with the kernel's default options (the IPC fast path
# on, the Ipc stub entering by sysenter), with fastpath=off, where every IPC takes the
# general path (kernel/ipc/fast_path.h), and with sysenter=off, where the Ipc stub is
# `int` (kernel/arch/ia32/sysenter.h). The same tests must pass every way, so the paths
# and entries give the same results; l4.ipc.fast_path_taken and _refused read the
# fast-path switch back (kdebug statistic 9) and prove it works: on, the common case
# goes through the fast path (a count per thread); off, nothing does; l4.ipc.sysenter
# reads the other (statistic 10) and checks the stub. One grader call boots all nine in
# parallel ('' is no extra option).
CORE_TESTS := $(shell paste -sd, tests/core/l4tests.list)
CORE_TEST_PRESETS := uma,2x2,4x1
CORE_TEST_KARGS := --kargs '' --kargs fastpath=off --kargs sysenter=off

core-tests: $(KERNEL) $(USERLAND_ELFS)
	$(GRADE) run --kernel $(KERNEL) --module $(SIGMA0_ELF) --module $(L4TEST_ELF) \
	  --topo $(CORE_TEST_PRESETS) $(CORE_TEST_KARGS) --tests $(CORE_TESTS) --hang-seconds 120 --timeout 900

# make fuzz: mk/numaos.mk (it boots the OSes too).
