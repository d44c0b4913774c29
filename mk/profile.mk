# mk/profile.mk: numaprof, the QEMU plugin that counts guest instructions and local and
# remote memory accesses per vCPU (tools/numaprof/numaprof.c; issue 20). Included by the
# top Makefile (BUILD, PYTHON, QEMU_TOPO_ARGS).
#
#   make profile-plugin
#       builds $(BUILD)/numaprof/numaprof.so with the host's C compiler (cc). It needs no QEMU
#       header: tools/numaprof/qemu_plugin_api.h declares the part of QEMU 7.2's plugin
#       interface it uses.
#   make qemu PROFILE=numa [TOPO=..] [PROFILE_WEIGHTS='L=1,R=1.4'] [PROFILE_CACHE=KB]
#       boots with the plugin: at QEMU's exit a
#       per-CPU and per-node table of instructions, local and remote accesses, the remote
#       ratio and the modeled time, on stderr and in $(PROFILE_OUT); NUMAPROF lines for
#       scripts. Guest code marks phases with kernel/api/numaprof_marker.h.
#   make bench-ipc PROFILE=numa, make bench-apps PROFILE=numa
#       the benchmarks (mk/bench.mk), each boot under the plugin.
#   make profile-tests
#       the plugin's known-pattern test (tests/profile/test_numaprof.py): boots the
#       kernel's numaprof.known_pattern self-test under the plugin on six presets and
#       checks the counts (a few seconds per boot).
#
# PROFILE_ARGS is the -plugin option for the machine in QEMU_TOPO_ARGS (TOPO or MACHINE),
# with its node ranges and CPU map (scripts/profile/plugin_args.py); QEMU_PROFILE adds
# `-d plugin` and is empty unless PROFILE=numa.

NUMAPROF_DIR     := $(BUILD)/numaprof
NUMAPROF_SO      := $(NUMAPROF_DIR)/numaprof.so
NUMAPROF_SRCS    := tools/numaprof/numaprof.c tools/numaprof/numaprof_output.c
NUMAPROF_HDRS    := tools/numaprof/numaprof.h tools/numaprof/qemu_plugin_api.h kernel/api/numaprof_marker.h
# The host's C compiler: cc, or the clang that scripts/setup.sh installs where there is no cc.
NUMAPROF_CC      ?= $(if $(shell command -v cc 2>/dev/null),cc,clang)
NUMAPROF_CFLAGS  := -shared -fPIC -O2 -Wall -Wextra -std=gnu11 -Ikernel
PROFILE          ?=
PROFILE_WEIGHTS  ?=
PROFILE_CACHE    ?=
PROFILE_OUT      ?= $(NUMAPROF_DIR)/last-run.txt

PROFILE_ARGS = $(shell $(PYTHON) scripts/profile/plugin_args.py --plugin $(NUMAPROF_SO) \
	$(foreach w,$(subst $(comma), ,$(PROFILE_WEIGHTS)),--extra $(w)) $(if $(PROFILE_CACHE),--extra cache=$(PROFILE_CACHE)) \
	--extra out=$(PROFILE_OUT) \
	'$(QEMU_TOPO_ARGS)')
QEMU_PROFILE = $(if $(filter numa,$(PROFILE)),$(PROFILE_ARGS) -d plugin)
$(if $(filter-out numa,$(PROFILE)),$(error PROFILE=$(PROFILE): the profile is numa (or none)))

.PHONY: profile-plugin profile-tests

profile-plugin: $(NUMAPROF_SO)

profile-tests: $(KERNEL) $(NUMAPROF_SO)
	PROXIMA_KERNEL=$(KERNEL) PROXIMA_NUMAPROF=$(NUMAPROF_SO) $(PYTHON) -m unittest discover -s tests/profile

$(NUMAPROF_SO): $(NUMAPROF_SRCS) $(NUMAPROF_HDRS)
	@mkdir -p $(@D)
	$(call step,CC,$<)
	$(Q)$(NUMAPROF_CC) $(NUMAPROF_CFLAGS) -o $@ $(NUMAPROF_SRCS)

# make qemu PROFILE=numa (and the benchmarks, mk/bench.mk) builds the plugin first.
qemu qemu-gdb bench-ipc bench-apps: $(if $(filter numa,$(PROFILE)),$(NUMAPROF_SO))
