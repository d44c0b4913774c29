# mk/bochs.mk: the kernel on a second emulator. Bochs boots it from a GRUB
# rescue CD, as a real PC would, and has a debugger of its own.
#
# Included by the top Makefile after mk/userland.mk and mk/os.mk: it uses BUILD,
# KBUILD, KERNEL, KARGS, NM, DEBUG, TOOLS_OK and MODULES, and the user programs'
# files defined there. Everything here is prefixed BOCHS_.
#
#   make iso                              GRUB CD in $(BOCHS_DIR)/proxima.iso, booting KARGS
#                                         and MODULES (as make qemu: sigma0, the base OS, APPS)
#   make bochs [KARGS=...]                boot it in Bochs (serial: $(BOCHS_SERIAL))
#   make bochs APPS='arraywalk iter=2'    other programs on the base OS, as with make qemu
#   make bochs MODULES=                   the kernel alone
#   make bochs BOCHS_CPUS=2 BOCHS_MEGS=256   a bigger machine (Debian's Bochs does SMP)
#   make bochs BOCHS_BREAK=1              stop in Bochs's debugger before the BIOS runs
#   make bochs-test                       boot the kernel alone on three machines in Bochs and
#                                         check the topology, then the system of make bochs
#                                         (sigma0, base OS, demo) on 1 and 2 CPUs: demo must end
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

# The modules are make qemu's MODULES, comma-separated "file args" entries (bare
# program names expanded: BOOT_MODULES, mk/userland.mk); scripts/bochs/prepare.sh
# turns each into a GRUB `module` line. The files among them that this tree builds
# (sigma0, l4test, baseos, the programs) are prerequisites. Values reach the shell in
# single quotes.
BOCHS_COMMA        := ,
BOCHS_MODULE_FILES  = $(filter $(KBUILD)/userland/%.elf,$(subst $(BOCHS_COMMA), ,$(BOOT_MODULES)))
BOCHS_TEST_MODULES  = $(SIGMA0_ELF),$(BASEOS_ELF),$(KBUILD)/userland/demo.elf
bochs_quote         = '$(subst ','\'',$(1))'

# The kernel arguments and modules are baked into the CD's grub.cfg, so `make
# iso` always rebuilds it (about a second): a stale CD would boot yesterday's.
iso: $(KERNEL) $(BOCHS_MODULE_FILES) | $(TOOLS_OK)
	@NM=$(NM) bash scripts/bochs/prepare.sh --kernel=$(KERNEL) --out=$(BOCHS_DIR) \
	  --kargs=$(call bochs_quote,$(KARGS)) --modules=$(call bochs_quote,$(BOOT_MODULES)) \
	  --cpus=$(BOCHS_CPUS) --megs=$(BOCHS_MEGS) --serial=$(BOCHS_SERIAL)

bochs: iso
	@bash scripts/bochs/run.sh $(BOCHS_DIR) $(BOCHS_SERIAL) $(if $(filter 1,$(BOCHS_BREAK)),stop,run)

# The test boots the default system of make bochs (sigma0, the base OS, demo),
# whatever MODULES or APPS say.
bochs-test: $(KERNEL) $(subst $(BOCHS_COMMA), ,$(BOCHS_TEST_MODULES)) | $(TOOLS_OK)
	@NM=$(NM) BOCHS_TEST_MAKE_ARGS="$(if $(filter 1,$(DEBUG)),DEBUG=1)" \
	  bash tests/bochs/boot_test.sh $(KERNEL) $(BOCHS_TEST_DIR) $(call bochs_quote,$(BOCHS_TEST_MODULES))
