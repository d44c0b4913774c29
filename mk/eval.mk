# mk/eval.mk: the evaluation lab (labs/eval/README.md; issue 20): the thesis's chapter-5
# experiments rerun under numaprof (mk/profile.mk). Included by the top Makefile after
# mk/profile.mk (KERNEL, SIGMA0_ELF, BASEOS_ELF, ROOTPAGER_ELF, APPPAGER_ELF, NUMAPROF_SO,
# BENCH_APP_ELFS, TOPOLOGIES, PYTHON).
#
#   make eval
#       pingpong under the kernel switches and away from its space's home node, arraywalk
#       on the base OS and the NUMA OS (iterations and overlap; local vs global mappings;
#       one space vs one per node), unmapbench on 2, 4 and 8 nodes; on 2x2, 4x1 and n8,
#       one boot after the other (about 16 minutes on a 2-core host: 234 boots). Writes
#       $(EVAL_OUT)/report.md with tables, CSVs and PNG plots (scripts/eval/eval.py).
#   make eval EVAL_CACHE=KB
#       numaprof's modeled cache per CPU (default 32; 0: none, every access counts). The IPC
#       experiment runs with and without it, the array walk and the unmap with it.
#   make eval EVAL_ICOUNT=1
#       QEMU with -icount shift=0: one vCPU thread at a time, so busy waiting depends less on
#       the host (the tiny run's IPC rows come out the same twice; the others within a few
#       percent), about 6 times slower.
#   make eval EVAL=tiny
#       2x2 only, one or two boots per comparison (under a minute): what make eval-test runs.
#   make eval-test
#       tests/eval/test_eval.py: the tiny run into a temporary directory; checks that the
#       report has every experiment's table with numbers and that the plots exist.
#
# The counts are numaprof's, of each program's marked phase (userland/lib/os/eval_phases.h);
# the modeled time is a model, not cycles (docs/profiling.md).

EVAL         ?= full
EVAL_OUT     ?= $(BUILD)/eval
EVAL_TIMEOUT ?= 600
EVAL_ICOUNT  ?=
EVAL_CACHE   ?= 32
$(if $(filter-out full tiny,$(EVAL)),$(error EVAL=$(EVAL): full or tiny))

EVAL_DEPS = $(KERNEL) $(SIGMA0_ELF) $(BASEOS_ELF) $(ROOTPAGER_ELF) $(APPPAGER_ELF) $(BENCH_APP_ELFS) $(NUMAPROF_SO)
EVAL_ARGS = --kernel $(KERNEL) --plugin $(NUMAPROF_SO) --topologies $(TOPOLOGIES) --app-dir $(BENCH_APP_DIR) \
	--base-modules '$(SIGMA0_ELF),$(BASEOS_ELF)' --numa-modules '$(SIGMA0_ELF),$(ROOTPAGER_ELF),$(APPPAGER_ELF)' \
	--qemu $(QEMU) --timeout $(EVAL_TIMEOUT) --cache $(EVAL_CACHE) $(if $(filter 1,$(EVAL_ICOUNT)),--icount)

.PHONY: eval eval-test

eval: $(EVAL_DEPS)
	$(PYTHON) scripts/eval/eval.py --mode $(EVAL) --out $(EVAL_OUT) $(EVAL_ARGS)

eval-test: $(EVAL_DEPS)
	PROXIMA_EVAL_ARGS="$(EVAL_ARGS)" $(PYTHON) -m unittest discover -s tests/eval
