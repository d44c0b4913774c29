"""boot.py: boots one benchmark program under numaprof, reusing the benchmarks' runner.

scripts/bench/apps.py's Booter boots a program under an OS (sigma0 and the OS's modules,
then the program with its arguments) and checks that it exited with 0; its run_pingpong,
run_arraywalk and scripts/bench/unmap.py's run_unmapbench parse the programs' own lines.
ProfiledBooter adds the numaprof -plugin option for the machine (grader/proxima_grader/
numaprof.py) and keeps the last run's output, where the plugin's NUMAPROF lines are
(QEMU's stderr is merged into the serial output).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "grader"))

from apps import Booter  # noqa: E402
from proxima_grader.numaprof import plugin_arguments  # noqa: E402
from proxima_grader.presets import PresetError, load_presets  # noqa: E402

DEVICES = ["-no-reboot", "-display", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def preset_options(topologies, name):
    """The QEMU options of preset `name` in config/topologies.conf."""
    try:
        return list(load_presets(topologies).get(name).options)
    except PresetError as error:
        raise SystemExit(f"eval: {error}") from None


class ProfiledBooter(Booter):
    """A Booter whose QEMU loads numaprof; `last_lines` holds the last run's output."""

    def __init__(self, setup, preset, os_name, kargs, log_dir, cache=None):
        """`cache`: numaprof's modeled cache in KiB (0: none); default setup.cache."""
        options = preset_options(setup.topologies, preset)
        cache_kb = setup.cache if cache is None else cache
        cache = [f"cache={cache_kb}"] if cache_kb else []
        plugin = ",".join([setup.plugin] + plugin_arguments(options) + cache)
        icount = ["-icount", "shift=0"] if getattr(setup, "icount", False) else []
        qemu = [setup.qemu, *icount, "-kernel", setup.kernel, "-append", kargs] + options + DEVICES + \
            ["-plugin", plugin, "-d", "plugin"]
        modules = setup.numa_modules if os_name == "numa" else setup.base_modules
        switches = [word.replace("=", "_") for word in kargs.split() if word != "exit"]
        tag = "-".join([preset, os_name] + switches + ([f"cache{cache_kb}"] if cache_kb else []))
        super().__init__(qemu, modules, setup.app_dir, log_dir, tag, "profile", setup.timeout)
        self.last_lines = []

    def boot(self, name, program_args, tag):
        lines, error = super().boot(name, program_args, tag)
        self.last_lines = lines
        return lines, error
