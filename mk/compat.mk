# mk/compat.mk: Pistachio's pingpong benchmark, an L4 X.2 program nobody on this project
# wrote (../shared/oracles/README.md), on this kernel. Included by the top Makefile after
# mk/userland.mk (sigma0, $(comma)).
#
#   make compat [TOPO=uma,2x2] [ICOUNT=0|1|both] [PINGPONG=path] [COMPAT_BUILD=dir]
#       boots the kernel with sigma0 and pingpong (module 1, the root task) once per
#       machine and clock, and lets scripts/compat.py type each mode's key on the serial
#       console: 1 inter-AS, 2 intra-AS, 3 intra-AS LIPC, 4 XCPU, 5 small spaces (run
#       and reported, not counted). Every counted mode must print its result lines and
#       bring the menu back; one that prints nothing new for COMPAT_HANG seconds (60)
#       is a hang. A table of cycles per one-way IPC beside Pistachio's own figures,
#       $(BUILD)/compat/compat.csv, the serial logs in $(BUILD)/compat/logs/.
#       Defaults: uma and 2x2, with and without -icount shift=0.
#   make compat-test
#       the short check for make test: icount, modes 1 to 4, uma and 2x2
#       ($(BUILD)/compat/compat-test.csv, logs in $(BUILD)/compat/test-logs/).
#
# Both say "compat: skipped: no oracle (...)" and succeed when the program is not
# there and PINGPONG= was not given. COMPAT_BUILD=dir boots dir/release/kernel.elf and
# dir/release/userland/sigma0.elf instead of this build's (another tree's build, not
# rebuilt here: a kernel with a fix that is not in this tree yet, say).

COMPAT_DEFAULT_ORACLE := ../shared/oracles/pistachio-pingpong.elf
PINGPONG     ?=
COMPAT_ORACLE = $(or $(PINGPONG),$(wildcard $(COMPAT_DEFAULT_ORACLE)))
COMPAT_HANG  ?= 60
COMPAT_BUILD ?=
COMPAT_KERNEL = $(if $(COMPAT_BUILD),$(COMPAT_BUILD)/$(VARIANT)/kernel.elf,$(KERNEL))
COMPAT_SIGMA0 = $(if $(COMPAT_BUILD),$(COMPAT_BUILD)/$(VARIANT)/userland/sigma0.elf,$(SIGMA0_ELF))
# What the run needs built here: nothing without the oracle or with COMPAT_BUILD.
COMPAT_PREREQS = $(if $(and $(COMPAT_ORACLE),$(if $(COMPAT_BUILD),,1)),$(KERNEL) $(SIGMA0_ELF))
# TOPO and ICOUNT mean what they say when given; otherwise both machines and both clocks
# (the top Makefile's TOPO default, 2x2, is make qemu's).
COMPAT_TOPO   = $(if $(filter command line,$(origin TOPO)),$(TOPO),uma$(comma)2x2)
COMPAT_ICOUNT = $(if $(filter command line environment,$(origin ICOUNT)),$(ICOUNT),both)
COMPAT_OUT   := $(BUILD)/compat

compat_run = $(if $(COMPAT_ORACLE),$(PYTHON) scripts/compat.py --kernel $(COMPAT_KERNEL) --sigma0 $(COMPAT_SIGMA0) \
	--pingpong '$(COMPAT_ORACLE)' --qemu $(QEMU) --kargs '$(KARGS)' --hang-seconds $(COMPAT_HANG) $(1), \
	@echo "compat: skipped: no oracle ($(COMPAT_DEFAULT_ORACLE))")

.PHONY: compat compat-test

compat: $(COMPAT_PREREQS)
	$(call compat_run,--topo '$(COMPAT_TOPO)' --icount '$(COMPAT_ICOUNT)' --csv $(COMPAT_OUT)/compat.csv \
	  --log-dir $(COMPAT_OUT)/logs)

compat-test: $(COMPAT_PREREQS)
	$(call compat_run,--topo uma$(comma)2x2 --icount 1 --modes 1$(comma)2$(comma)3$(comma)4 --csv $(COMPAT_OUT)/compat-test.csv \
	  --log-dir $(COMPAT_OUT)/test-logs)
