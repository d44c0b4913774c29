"""What a report shows of a build's output: files named as in the tree, and no
path of the grading machine (build.relative_paths)."""

import unittest
from pathlib import Path

import support  # noqa: F401  (puts grader/ on the path)
from proxima_grader.build import relative_paths


class BuildOutput(unittest.TestCase):
    def test_the_trees_path_is_cut_and_other_paths_reduced(self):
        tree = Path("/tmp/proxima-grade-abc/tree")
        output = ("/tmp/proxima-grade-abc/tree/kernel/mm/kmem.cc:3:10: fatal error: '/etc/hostname' file not found\n"
                  "In file included from /usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h:1:\n"
                  "  CXX   kernel/mm/kmem.cc\n"
                  "kernel/mm/node_pool.cc:12: error: x / y is not a path")
        shown = relative_paths(output, tree)
        self.assertIn("kernel/mm/kmem.cc:3:10: fatal error", shown)
        self.assertIn("'<path>/hostname'", shown)
        self.assertIn("<path>/stddef.h:1:", shown)
        self.assertIn("x / y is not a path", shown)
        for secret in ("/tmp", "proxima-grade", "/etc", "/usr", "llvm-14"):
            self.assertNotIn(secret, shown)


if __name__ == "__main__":
    unittest.main()
