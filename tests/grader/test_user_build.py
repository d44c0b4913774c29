"""SOL= at user level, on a copy of the real kit: a lab manifest may name user
sources, and the user build takes them from solutions/labN/ exactly as the
kernel build does (mk/userland.mk: user_sources, USER_SOL_STAMP), which is
what `make programs` (the grader's lab mode) builds; `make qemu MODULES=`
takes program names; `make handout` hands the student's version out.

The copy gets a lab 99 whose manifest names pingpong's echo.cc, and a
solution of it that defines a marker string: the program holds the marker
exactly when SOL selects lab 99, also after SOL changes back (a relink with
no object newer than the program).
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import support
from proxima_grader.workspace import kit_files

KIT = support.REPO
FILE = "userland/apps/pingpong/echo.cc"
MARKER = b"PROXIMA-SOLUTION-MARKER-99"
INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "SOL", "BUILD", "MODULES")


@unittest.skipUnless(shutil.which("clang++") and (KIT / FILE).is_file(), "needs clang++ and the kit's pingpong")
class UserSol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory(prefix="proxima-user-sol-")
        cls.kit = Path(cls.directory.name, "kit")
        for relative in kit_files(KIT):
            source = KIT / relative
            if relative.startswith(("build/", ".git/")) or not source.is_file():
                continue
            target = cls.kit / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        (cls.kit / "labs/lab99-usersol").mkdir(parents=True)
        (cls.kit / "labs/lab99-usersol/manifest").write_text(f"# a user-level lab file\n{FILE}\n")
        solution = cls.kit / "solutions/lab99" / FILE
        solution.parent.mkdir(parents=True)
        solution.write_text((KIT / FILE).read_text()
                            + 'extern const char proxima_solution_marker[];\n'
                            + f'const char proxima_solution_marker[] = "{MARKER.decode()}";\n')
        cls.build = Path(cls.directory.name, "build")

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def make(self, *args):
        env = {k: v for k, v in os.environ.items() if k not in INHERITED}
        done = subprocess.run(["make", "-s", "-j2", *args, f"BUILD={self.build}"], cwd=self.kit, env=env,
                              capture_output=True, text=True, timeout=900)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout

    def program(self, sol):
        self.make("programs", "PROGRAMS=sigma0 pingpong", f"SOL={sol}")
        paths = self.make("print-programs", "PROGRAMS=sigma0 pingpong", f"SOL={sol}").split()
        self.assertEqual([Path(p).name for p in paths], ["sigma0.elf", "pingpong.elf"])
        return Path(paths[1]).read_bytes()

    def test_sol_swaps_user_sources_and_a_change_of_sol_relinks(self):
        self.assertNotIn(MARKER, self.program("none"))
        # The solution's echo.cc includes "echo.h", which only the student's directory has.
        self.assertIn(MARKER, self.program("99"))
        objects = self.build / "release/userland/obj"
        self.assertTrue((objects / "solutions/lab99" / FILE).with_suffix(".o").is_file())
        self.assertTrue((objects / FILE).with_suffix(".o").is_file())
        self.assertNotIn(MARKER, self.program("none"))
        self.assertIn(MARKER, self.program("all"))

    def test_make_qemu_takes_program_names_as_modules(self):
        dry = self.make("-n", "qemu", "TOPO=2x2", "MODULES=sigma0,pingpong rounds=2")
        elf = self.build / "release/userland"
        self.assertIn(f'-initrd "{elf}/sigma0.elf,{elf}/pingpong.elf rounds=2"', dry)
        self.assertIn(f"{elf}/pingpong.elf", dry)   # and builds it first
        files = self.make("-n", "qemu", "TOPO=2x2", f"MODULES={elf}/sigma0.elf,{elf}/l4test.elf")
        self.assertIn(f'-initrd "{elf}/sigma0.elf,{elf}/l4test.elf"', files)

    def test_make_qemu_builds_the_os_and_programs_it_boots(self):
        # A fresh build: the default modules (the NUMA OS and the demo) and the base OS's
        # are built before QEMU starts, not only named on its command line.
        build = Path(self.directory.name, "fresh-build")
        elf = build / "release/userland"
        env = {k: v for k, v in os.environ.items() if k not in INHERITED}
        # The full kit (every lab's solution) boots the NUMA OS by default.
        for args, programs in ((["qemu"], ["sigma0", "rootpager", "apppager", "demo"]),
                               (["qemu", "OS=base"], ["sigma0", "baseos", "demo"]),
                               (["qemu", "SOL=1-6"], ["sigma0", "baseos", "demo"]),
                               (["qemu", "OS=numa", "APPS=pingpong rounds=2"],
                                ["sigma0", "rootpager", "apppager", "pingpong"])):
            dry = subprocess.run(["make", "-s", "-n", *args, "TOPO=2x2", f"BUILD={build}"], cwd=self.kit, env=env,
                                 capture_output=True, text=True, timeout=300, check=True).stdout
            for program in programs:
                self.assertIn(f"-o {elf}/{program}.elf ", dry, f"make {' '.join(args)} does not build {program}")

    def test_the_handout_has_the_students_user_file_and_no_solutions(self):
        subprocess.run(["git", "init", "-q"], cwd=self.kit, check=True)
        subprocess.run(["git", "add", "-A"], cwd=self.kit, check=True)
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "kit"],
                       cwd=self.kit, check=True)
        handout = Path(self.directory.name, "handout")
        self.make("handout", f"OUT={handout}")
        self.assertEqual((handout / FILE).read_text(), (KIT / FILE).read_text())
        self.assertFalse((handout / "solutions").exists())
        self.assertTrue((handout / "labs/lab99-usersol/manifest").is_file())


if __name__ == "__main__":
    unittest.main()
