"""The layering check (scripts/check-layers.py) passes on the kit and fails on a
copy with an include planted where it breaks the layers (docs/layers.md)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

KIT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(KIT, "scripts", "check-layers.py")


def run_check(root):
    return subprocess.run([sys.executable, CHECK, "--root", root], capture_output=True, text=True)


class LayerCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="proxima-layers-")
        for top in ("kernel", "userland", "solutions", os.path.join("grader", "hidden")):
            if os.path.isdir(os.path.join(KIT, top)):
                shutil.copytree(os.path.join(KIT, top), os.path.join(cls.tmp, top))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def planted(self, path, line, expect_in_output):
        """Adds `line` at the top of `path` (in the copy), checks that the check
        fails naming that file and line, and puts the file back."""
        full = os.path.join(self.tmp, path)
        existed = os.path.exists(full)
        original = None
        if existed:
            with open(full) as f:
                original = f.read()
        try:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(line + "\n" + (original or ""))
            result = run_check(self.tmp)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn(f"{path}:1:", result.stdout)
            self.assertIn(expect_in_output, result.stdout)
        finally:
            if existed:
                with open(full, "w") as f:
                    f.write(original)
            else:
                os.remove(full)
        self.assertEqual(run_check(self.tmp).returncode, 0, "the copy is clean again")

    def test_the_kit_keeps_its_layers(self):
        result = run_check(KIT)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_the_copy_is_clean_before_planting(self):
        self.assertEqual(run_check(self.tmp).returncode, 0)

    def test_mm_including_the_syscall_layer_fails(self):
        self.planted("kernel/mm/space.cc", '#include "syscall/syscalls.h"', "mm includes syscall/syscalls.h")

    def test_base_including_the_scheduler_fails(self):
        self.planted("kernel/arch/ia32/trap.cc", '#include "thread/scheduler.h"', "base includes thread/scheduler.h")

    def test_a_relative_path_does_not_hide_an_upward_include(self):
        self.planted("kernel/lib/console.cc", '#include "../boot/kip_page.h"', "layer boot")

    def test_angle_brackets_do_not_hide_an_upward_include(self):
        self.planted("kernel/smp/online.cc", "#include <mm/space.h>", "smp includes <mm/space.h> of layer mm")

    def test_api_includes_nothing_of_the_kernel(self):
        self.planted("kernel/api/fpage.h", '#include "lib/console.h"', "layer base")

    def test_code_shared_with_user_programs_stays_pure(self):
        self.planted("kernel/lib/string.cc", '#include "lib/console.h"', "compiled into user programs too")

    def test_user_code_includes_no_kernel_internals(self):
        self.planted("userland/sigma0/main.cc", '#include "mm/space.h"', "user code includes the kernel-internal")

    @unittest.skipUnless(os.path.isdir(os.path.join(KIT, "solutions", "lab1")), "a handout has no solutions/")
    def test_a_solution_file_is_checked_at_its_layer(self):
        self.planted("solutions/lab1/kernel/mm/kmem.cc", '#include "ipc/ipc.h"', "mm includes ipc/ipc.h")

    def test_a_computed_include_fails(self):
        self.planted("kernel/ipc/ipc.cc", "#include INC_GLUE(ipc.h)", "computed include")

    def test_a_file_outside_every_layer_fails(self):
        self.planted("kernel/newdir/thing.cc", "// a new directory", "lies in no layer")


if __name__ == "__main__":
    unittest.main()
