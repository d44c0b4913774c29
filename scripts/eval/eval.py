#!/usr/bin/env python3
"""eval.py: the evaluation lab (`make eval`, mk/eval.mk; labs/eval/README.md): reruns the
thesis's chapter-5 experiments under numaprof and writes OUT/report.md.

    eval.py --mode full|tiny --out build/eval --kernel K --plugin numaprof.so \
            --topologies config/topologies.conf --app-dir build/release/userland \
            --base-modules sigma0.elf,baseos.elf --numa-modules sigma0.elf,rootpager.elf,apppager.elf

full: 2x2, 4x1 and n8, 234 boots (each arraywalk point three times), about 16 minutes on a
2-core host; tiny: 2x2, one or two boots per comparison (12 in all), for `make eval-test`. The boots run one after the other (counts do not depend
on timing, but the host may be busy with another QEMU).
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import boot  # noqa: E402,F401  (puts scripts/bench and grader/ on the path)
from experiments import IPC_KERNELS, arraywalk_rows, ipc_rows, unmap_rows  # noqa: E402
from report import write_report  # noqa: E402

SWEEP = [(i, o) for i in ("1", "4") for o in ("0", "0.3", "0.6", "0.9", "1")] + \
    [(i, o) for i in ("2", "8") for o in ("0", "1")]  # against the iterations: Figures 5.8-5.12
CORNERS = [(i, o) for i in ("1", "4") for o in ("0", "1")]
LOCAL = [(i, "0") for i in ("1", "4")]  # the thesis's Figure 5.13: each walker on its own array
SPACES = [(i, "1") for i in ("1", "4", "10")]  # Figure 5.16: the arrays overlap completely, up to many iterations

PLANS = {
    "full": dict(name="full", presets=["2x2", "4x1", "n8"], ipc_kernels=IPC_KERNELS, ipc_home=3, ipc_rounds=2000,
                 arraywalk=[("2x2", SWEEP), ("4x1", CORNERS), ("n8", CORNERS)], mb="2",
                 arraywalk_local=[("2x2", LOCAL), ("4x1", LOCAL), ("n8", LOCAL)],
                 arraywalk_spaces=[("2x2", SPACES), ("4x1", SPACES), ("n8", SPACES)],
                 repeats=3, unmap_pages="1", unmap_rounds="20"),
    "tiny": dict(name="tiny", presets=["2x2"], ipc_kernels=[IPC_KERNELS[0], IPC_KERNELS[3]], ipc_home=0,
                 ipc_rounds=200, arraywalk=[("2x2", [("1", "0")])], arraywalk_local=[("2x2", [("1", "0")])],
                 arraywalk_spaces=[("2x2", [("1", "1")])], mb="1", repeats=1,
                 unmap_pages="1", unmap_rounds="5"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=sorted(PLANS), default="full")
    parser.add_argument("--out", required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--plugin", required=True, help="numaprof.so")
    parser.add_argument("--topologies", required=True)
    parser.add_argument("--app-dir", required=True)
    parser.add_argument("--base-modules", required=True)
    parser.add_argument("--numa-modules", required=True)
    parser.add_argument("--qemu", default="qemu-system-i386")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--cache", type=int, default=32, metavar="KB",
                        help="numaprof's modeled cache per CPU (0: none, every access counts); the IPC "
                             "experiment runs with and without it, the others with it")
    parser.add_argument("--icount", action="store_true", help="QEMU runs with -icount shift=0")
    parser.add_argument("--only", default="ipc,arraywalk,unmap", help="comma-separated experiments")
    setup = parser.parse_args()
    setup.log_dir = os.path.join(setup.out, "logs")
    os.makedirs(setup.log_dir, exist_ok=True)
    plan = dict(PLANS[setup.mode], cache=setup.cache)
    start = time.time()
    errors = []
    runners = {"ipc": ipc_rows, "arraywalk": arraywalk_rows, "unmap": unmap_rows}
    only = setup.only.split(",")
    results = {key: (run(setup, plan, errors) if key in only else []) for key, run in runners.items()}
    seconds = time.time() - start
    path = write_report(setup.out, plan, results, errors, seconds)
    print(f"eval: {path} ({seconds:.0f} s, {len(errors)} problem(s))")
    for error in errors:
        print(f"eval: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
