# mk/os.mk: the base OS (userland/baseos), its client library (userland/lib/os) and the
# programs that run on it (userland/apps/<name>/). Included by the top Makefile after
# mk/userland.mk, whose compiler flags, compile rule, library objects, link script and
# SOL= machinery (user_sources, USER_SOL_STAMP) it uses.
#
#   make os           $(KBUILD)/userland/baseos.elf and $(KBUILD)/userland/<name>.elf
#                     for every directory userland/apps/<name>/
#   make os-tests     the l4.os.* tests (tests/os/ostests.list): baseos runs ostest
#                     under the uma, 2x2 and 4x1 presets, through the grader; then
#                     how runs with `exit` end (tests/os/test_run_end.py)
#
# `make qemu` boots sigma0, baseos and the programs in APPS (docs/baseos.md):
#   APPS='demo'                                   the default
#   APPS='arraywalk overlap=0.5 iter=4'           a program with its arguments
#   APPS='pingpong; arraywalk iter=2'             several programs, separated by ';'
# Each becomes the module "$(KBUILD)/userland/<name>.elf <args>". Arguments must not
# contain a comma (QEMU's -initrd list is comma-separated). MODULES=... still replaces
# the whole module list (for example with the test root task, userland/l4test).

BASEOS_ELF  := $(KBUILD)/userland/baseos.elf
OSTEST_ELF  := $(KBUILD)/userland/ostest.elf
APPS        ?= demo
# The OS and the programs live in their own address spaces, so they share a link base:
# os::kImageBase (userland/lib/os/layout.h) for programs, the same for baseos.
OS_LINK_BASE := 0x00400000

# The ELF loader is the kernel's (kernel/lib/elf.cc); baseos compiles it itself unless
# the user library already does.
BASEOS_ELF_SRCS := $(if $(filter kernel/lib/elf.cc,$(USERLAND_LIB_SRCS)),,kernel/lib/elf.cc)
BASEOS_SRCS := $(call user_sources,$(sort $(wildcard userland/baseos/*.cc)) userland/lib/os/topology.cc \
	$(BASEOS_ELF_SRCS))
OS_LIB_SRCS := $(call user_sources,userland/lib/os/os.cc userland/lib/os/topology.cc)
APP_NAMES   := $(sort $(patsubst userland/apps/%/,%,$(dir $(wildcard userland/apps/*/*.cc))))
APP_ELFS    := $(APP_NAMES:%=$(KBUILD)/userland/%.elf)
OS_ELFS     := $(BASEOS_ELF) $(APP_ELFS)

BASEOS_OBJS := $(call user_objs,$(BASEOS_SRCS))
OS_LIB_OBJS := $(call user_objs,$(OS_LIB_SRCS)) $(USERLAND_OBJDIR)/userland/lib/os/crt0.o
# Programs start in os/crt0.S, not in the library's crt0.S.
APP_LIB_OBJS := $(OS_LIB_OBJS) $(filter-out %/crt0.o,$(USERLAND_LIB_OBJS))
app_objs = $(call user_objs,$(call user_sources,$(sort $(wildcard userland/apps/$(1)/*.cc))))
OS_CC_OBJS := $(sort $(filter-out $(USERLAND_CC_OBJS),$(BASEOS_OBJS) $(call user_objs,$(OS_LIB_SRCS)) \
	$(foreach app,$(APP_NAMES),$(call app_objs,$(app)))))

# "name args; name2 args" -> "$(KBUILD)/userland/name.elf args,$(KBUILD)/userland/name2.elf args"
APP_MODULES = $(shell printf '%s\n' '$(APPS)' | tr ';' '\n' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$$//' \
	-e '/^$$/d' -e 's|^\([^[:space:]]*\)|$(KBUILD)/userland/\1.elf|' | paste -sd, -)

.PHONY: os os-tests

os: $(OS_ELFS)

$(USERLAND_OBJDIR)/userland/lib/os/crt0.o: userland/lib/os/crt0.S $(USER_FLAGS_STAMP) | $(TOOLS_OK)
	@mkdir -p $(@D)
	$(call step,AS,$<)
	$(Q)$(CXX) $(USER_ASFLAGS) -c $< -o $@

$(BASEOS_ELF): $(BASEOS_OBJS) $(USERLAND_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$(call step,LD,$@)
	$(Q)$(LD) $(USER_LDFLAGS) --defsym=user_link_base=$(OS_LINK_BASE) -o $@ $(BASEOS_OBJS) $(USERLAND_LIB_OBJS) $(CLANG_RT)

define app_rule
$(KBUILD)/userland/$(1).elf: $(call app_objs,$(1)) $(APP_LIB_OBJS) $(USER_LDSCRIPT) $(USER_SOL_STAMP)
	$$(call step,LD,$$@)
	$$(Q)$$(LD) $$(USER_LDFLAGS) --defsym=user_link_base=$$(OS_LINK_BASE) -o $$@ $(call app_objs,$(1)) $$(APP_LIB_OBJS) $$(CLANG_RT)
endef
$(foreach app,$(APP_NAMES),$(eval $(call app_rule,$(app))))

-include $(OS_CC_OBJS:.o=.d)

OS_TESTS := $(shell paste -sd, tests/os/ostests.list)
OS_TEST_PRESETS := uma,2x2,4x1

os-tests: $(KERNEL) $(SIGMA0_ELF) $(L4TEST_ELF) $(OS_ELFS)
	$(GRADE) run --kernel $(KERNEL) --module $(SIGMA0_ELF) --module $(BASEOS_ELF) --module $(OSTEST_ELF) \
	  --topo $(OS_TEST_PRESETS) --tests $(OS_TESTS) --hang-seconds 120 --timeout 900
	PROXIMA_BUILD=$(KBUILD) $(PYTHON) -m unittest discover -s tests/os
