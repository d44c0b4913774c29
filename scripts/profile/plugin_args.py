#!/usr/bin/env python3
"""plugin_args.py: the -plugin option that loads numaprof for one QEMU machine.

numaprof (tools/numaprof/numaprof.c) must know which physical addresses each
NUMA node owns and which node each vCPU sits on; grader/proxima_grader/numaprof.py
derives both from the machine's QEMU options (and explains the addresses QEMU
7.2 reports). This prints them:

  plugin_args.py --plugin build/numaprof/numaprof.so '-smp 4 -m 512M ...'
      -plugin build/numaprof/numaprof.so,mem0=0x0-0xa0000:0x100000-0x10000000,mem1=...,cpunodes=0:0:1:1
  plugin_args.py --args-only '...'            only the plugin's key=value arguments
  plugin_args.py --plugin P --extra out=f '...'  more key=value arguments after them
  plugin_args.py --true-phys '...'            guest physical ranges

Used by mk/profile.mk (PROFILE_ARGS).
"""
import argparse
import pathlib
import shlex
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "grader"))

from proxima_grader.numaprof import machine_layout, plugin_arguments  # noqa: E402,F401


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plugin", help="the plugin's .so (printed as -plugin PATH,...)")
    parser.add_argument("--args-only", action="store_true", help="print only the plugin's key=value arguments")
    parser.add_argument("--true-phys", action="store_true", help="guest physical ranges, not QEMU 7.2's")
    parser.add_argument("--extra", action="append", default=[], help="more key=value arguments (L=, R=, out=)")
    parser.add_argument("options", nargs="+", help="the machine's QEMU options (one string or many words)")
    args = parser.parse_args()
    try:
        words = plugin_arguments(shlex.split(" ".join(args.options)), args.true_phys) + args.extra
    except (ValueError, KeyError, IndexError) as error:
        print(f"plugin_args.py: cannot read the machine options: {error}", file=sys.stderr)
        return 2
    if args.args_only or not args.plugin:
        print(",".join(words))
    else:
        print(f"-plugin {','.join([args.plugin] + words)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
