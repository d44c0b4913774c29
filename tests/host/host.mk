# tests/host/host.mk: the Catch2 host tests, built natively and run under
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
# Included by the top Makefile, which defines BUILD and HOSTCXX. Everything
# here is prefixed HOST_ so it cannot clash with the kernel build.
#
#   make host-tests                         the layering check (scripts/check-layers.py,
#                                           docs/layers.md) and its tests, then all host tests
#   make host-tests HOST_TEST_ARGS='[slit]' run only the tests tagged [slit]
#   make host-tests HOST_ACPI_DATA=dir      replay the *.acpidump files in dir

HOST_CXX ?= $(if $(HOSTCXX),$(HOSTCXX),clang++)
HOST_DIR := $(BUILD)/host
HOST_BIN := $(HOST_DIR)/proxima-host-tests
HOST_ACPI_DATA ?= $(abspath tests/host/acpi)
HOST_TEST_ARGS ?=
HOST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CXXFLAGS := -std=c++20 -Ikernel -Iuserland/lib -Itests/host -g -O1 -Wall -Wextra $(HOST_SANITIZE) \
                 -DPROXIMA_ACPI_DATA_DEFAULT='"$(abspath tests/host/acpi)"' -MMD -MP
HOST_LDFLAGS := $(HOST_SANITIZE)
HOST_LDLIBS := -lCatch2WithMain
HOST_SRCS := $(wildcard tests/host/*.cc) kernel/lib/format.cc kernel/platform/boot_options.cc \
             $(wildcard kernel/platform/acpi/*.cc) $(call sol_source,kernel/mm/node_pool.cc) \
             kernel/mm/mapping_db.cc kernel/mm/mapping_unmap.cc $(call sol_source,kernel/mm/mapping_tree.cc) kernel/lib/elf.cc kernel/thread/run_queue.cc
HOST_OBJS := $(patsubst %.cc,$(HOST_DIR)/%.o,$(HOST_SRCS))

# The ELF tests also read the user programs the build makes (mk/userland.mk has their rules).
HOST_USER_ELFS := $(KBUILD)/userland/sigma0.elf $(KBUILD)/userland/l4test.elf

.PHONY: host-tests
host-tests: $(HOST_BIN) $(HOST_USER_ELFS)
	$(PYTHON) scripts/check-layers.py
	$(PYTHON) -m unittest discover -s tests/layers
	PROXIMA_ACPI_DATA=$(HOST_ACPI_DATA) $(HOST_BIN) $(HOST_TEST_ARGS)

$(HOST_BIN): $(HOST_OBJS) $(KBUILD)/sol.stamp
	$(call step,LD,$@)
	$(Q)$(HOST_CXX) $(HOST_LDFLAGS) -o $@ $(HOST_OBJS) $(HOST_LDLIBS)

$(HOST_DIR)/%.o: %.cc | $(TOOLS_OK)
	@mkdir -p $(dir $@)
	$(call step,HOSTCXX,$<)
	$(Q)$(HOST_CXX) $(HOST_CXXFLAGS) -c $< -o $@

# The ELF loader tests read a real i386 executable, linked here from a C fixture, and the
# user programs; the test object is told their paths.
HOST_ELF_FIXTURE := $(HOST_DIR)/fixtures/elf_tiny.elf
$(HOST_DIR)/tests/host/elf_test.o: HOST_CXXFLAGS += -DPROXIMA_ELF_FIXTURE='"$(abspath $(HOST_ELF_FIXTURE))"'
$(HOST_DIR)/tests/host/elf_test.o: $(HOST_ELF_FIXTURE)
$(HOST_DIR)/tests/host/elf_programs_test.o: HOST_CXXFLAGS += \
	-DPROXIMA_SIGMA0_ELF='"$(abspath $(KBUILD)/userland/sigma0.elf)"' \
	-DPROXIMA_L4TEST_ELF='"$(abspath $(KBUILD)/userland/l4test.elf)"'
$(HOST_ELF_FIXTURE): tests/host/fixtures/elf_tiny.c | $(TOOLS_OK)
	@mkdir -p $(dir $@)
	$(call step,CC,$@)
	$(Q)clang --target=i686-unknown-none-elf -ffreestanding -nostdlib -static -fuse-ld=lld -O1 \
	      -Wl,-Ttext=0x100000 -o $@ $<

-include $(HOST_OBJS:.o=.d)
