# mk/bochs.mk: the kernel on a second emulator. Bochs boots it from a GRUB
# rescue CD, as a real PC would, and has a debugger of its own.
#
# Included by the top Makefile, which defines BUILD, KBUILD, KERNEL, KARGS, NM,
# DEBUG and TOOLS_OK. Everything here is prefixed BOCHS_.
#
#   make iso                              GRUB CD in $(BOCHS_DIR)/proxima.iso, booting KARGS
#   make bochs [KARGS=...]                boot it in Bochs (serial: $(BOCHS_SERIAL))
#   make bochs BOCHS_CPUS=2 BOCHS_MEGS=256   a bigger machine (Debian's Bochs does SMP)
#   make bochs BOCHS_BREAK=1              stop in Bochs's debugger before the BIOS runs
#   make bochs-test                       boot three machines in Bochs, check the topology
#
# The files behind these targets: scripts/bochs/prepare.sh (CD, bochsrc,
# debugger symbols), scripts/bochs/run.sh (interactive run),
# tests/bochs/boot_test.sh (the test).

BOCHS_DIR      := $(KBUILD)/bochs
BOCHS_SERIAL   ?= $(BUILD)/bochs/serial.log
BOCHS_CPUS     ?= 1
BOCHS_MEGS     ?= 128
BOCHS_BREAK    ?= 0
BOCHS_TEST_DIR := $(BUILD)/bochs-test

# The kernel arguments are baked into the CD's grub.cfg, so `make iso` always
# rebuilds it (well under a second): a stale CD would boot yesterday's KARGS.
iso: $(KERNEL) | $(TOOLS_OK)
	@NM=$(NM) bash scripts/bochs/prepare.sh --kernel=$(KERNEL) --out=$(BOCHS_DIR) --kargs="$(KARGS)" \
	  --cpus=$(BOCHS_CPUS) --megs=$(BOCHS_MEGS) --serial=$(BOCHS_SERIAL)

bochs: iso
	@bash scripts/bochs/run.sh $(BOCHS_DIR) $(BOCHS_SERIAL) $(if $(filter 1,$(BOCHS_BREAK)),stop,run)

bochs-test: $(KERNEL) | $(TOOLS_OK)
	@NM=$(NM) BOCHS_TEST_MAKE_ARGS="$(if $(filter 1,$(DEBUG)),DEBUG=1)" \
	  bash tests/bochs/boot_test.sh $(KERNEL) $(BOCHS_TEST_DIR)
