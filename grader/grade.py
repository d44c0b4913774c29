#!/usr/bin/env python3
"""Proxima grader: boot the kernel under QEMU and check what it reports.

    python3 grader/grade.py run --topo 2x2,uma --tests all
    python3 grader/grade.py presets
    python3 grader/grade.py lab --lab 1 [--sol SEL] [--submission DIR]
    python3 grader/grade.py batch --lab 1 --submissions DIR --out OUTDIR
    python3 grader/grade.py classroom

See grader/README.md, or `grade.py <command> --help`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from proxima_grader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
