# mk/userland.mk: the user programs. Included by the top Makefile.
#
#   make userland     $(KBUILD)/userland/sigma0.elf and $(KBUILD)/userland/l4test.elf
#   make core-tests   the kernel core's user-level tests (userland/l4test) under the
#                     uma, 2x2 and 4x1 presets, through the grader
#
# The programs are freestanding C++20 for IA32 like the kernel (same compiler, same
# code-generation flags), static and not position independent, each linked at its own
# address by userland/lib/user.ld. They include the kernel's X.2 type headers as
# "api/..." (-Ikernel) and the user library as "l4/..." (-Iuserland/lib).
#
# `make qemu` boots them as multiboot modules: MODULES, a comma-separated list (module 0
# sigma0, module 1 the root task, each file optionally followed by arguments), becomes
# QEMU's -initrd list. `make qemu MODULES=` boots the kernel alone.

USERLAND_OBJDIR := $(KBUILD)/userland/obj
SIGMA0_ELF      := $(KBUILD)/userland/sigma0.elf
L4TEST_ELF      := $(KBUILD)/userland/l4test.elf
USERLAND_ELFS   := $(SIGMA0_ELF) $(L4TEST_ELF)

USER_CXXFLAGS := --target=i686-unknown-none-elf -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
	-fno-threadsafe-statics -fno-stack-protector -fno-pic -fno-omit-frame-pointer -nostdlib \
	-mno-sse -mno-sse2 -mno-mmx -mno-80387 -march=i686 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Ikernel -Iuserland/lib \
	$(if $(filter 1,$(DEBUG)),-Og,-O2)
USER_ASFLAGS := --target=i686-unknown-none-elf -g
USER_LDSCRIPT := userland/lib/user.ld
USER_LDFLAGS := -m elf_i386 -nostdlib -static --no-pie -T $(USER_LDSCRIPT)

# Link addresses: sigma0 sees all physical memory at virt == phys, so it sits above
# any RAM a preset gives (at most 2 GiB); the root task sits at 4 MiB.
SIGMA0_LINK_BASE := 0xB0000000
L4TEST_LINK_BASE := 0x00400000

# The kernel's ELF loader (kernel/lib/elf.h, pure code) is part of the library too, so
# that user-level program loaders use the same checks (elf::try_parse, elf::try_load),
# and so are the kernel's C memory and string functions (kernel/lib/string.h).
USERLAND_LIB_SRCS := $(sort $(wildcard userland/lib/*.cc userland/lib/l4/*.cc)) kernel/lib/elf.cc \
	kernel/lib/string.cc userland/lib/crt0.S
SIGMA0_SRCS       := $(sort $(wildcard userland/sigma0/*.cc))
L4TEST_SRCS       := $(sort $(wildcard userland/l4test/*.cc))

user_objs = $(patsubst %,$(USERLAND_OBJDIR)/%.o,$(basename $(1)))
USERLAND_LIB_OBJS := $(call user_objs,$(USERLAND_LIB_SRCS))
SIGMA0_OBJS       := $(call user_objs,$(SIGMA0_SRCS))
L4TEST_OBJS       := $(call user_objs,$(L4TEST_SRCS))
USERLAND_CC_OBJS  := $(filter-out %/crt0.o,$(USERLAND_LIB_OBJS)) $(SIGMA0_OBJS) $(L4TEST_OBJS)

MODULES ?= $(SIGMA0_ELF),$(L4TEST_ELF)
QEMU_MODULE_ARGS = $(if $(strip $(MODULES)),-initrd "$(strip $(MODULES))")

.PHONY: userland core-tests

userland: $(USERLAND_ELFS)

$(USERLAND_CC_OBJS): $(USERLAND_OBJDIR)/%.o: %.cc | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,CXX,$<)
	$(Q)$(CXX) $(USER_CXXFLAGS) -MMD -MP -c $< -o $@

$(USERLAND_OBJDIR)/userland/lib/crt0.o: userland/lib/crt0.S | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,AS,$<)
	$(Q)$(CXX) $(USER_ASFLAGS) -c $< -o $@

$(SIGMA0_ELF): $(SIGMA0_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(SIGMA0_LINK_BASE) -o $@ $(SIGMA0_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

$(L4TEST_ELF): $(L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(L4TEST_LINK_BASE) -o $@ $(L4TEST_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

-include $(USERLAND_CC_OBJS:.o=.d)

qemu qemu-gdb: $(if $(strip $(MODULES)),$(USERLAND_ELFS))

# The user-level tests of the kernel core. Generous limits: QEMU emulates, and the
# fuzzer prints a progress line every 500 system calls, so a run that goes quiet for
# the hang limit has really stopped.
CORE_TESTS := $(shell paste -sd, tests/core/l4tests.list)
CORE_TEST_PRESETS := uma,2x2,4x1

core-tests: $(KERNEL) $(USERLAND_ELFS)
	$(GRADE) run --kernel $(KERNEL) --module $(SIGMA0_ELF) --module $(L4TEST_ELF) \
	  --topo $(CORE_TEST_PRESETS) --tests $(CORE_TESTS) --hang-seconds 120 --timeout 900
