#!/usr/bin/env python3
"""Proxima grader: boot the kernel under QEMU and check what it reports.

    python3 grader/grade.py run --topo 2x2,uma --tests all
    python3 grader/grade.py presets

See grader/README.md, or `grade.py run --help`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from proxima_grader.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
