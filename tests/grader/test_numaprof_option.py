"""grade.py run --profile: the numaprof plugin's option per machine, and its summary.

The plugin's counts are checked on a real guest by tests/profile/test_numaprof.py;
here, with the fake QEMU, what the grader puts on QEMU's command line for each
preset and how it reads a run's report back.
"""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import support
from proxima_grader.numaprof import machine_layout, numaprof_rows, plugin_option
from proxima_grader.qemu import profile_file

GRADE = support.REPO / "grader" / "grade.py"


class Layout(unittest.TestCase):
    def test_two_nodes_as_qemu_7_2_reports_them(self):
        cpus, ranges = machine_layout(list(support.PRESETS.get("2x2").options))
        self.assertEqual(cpus, [0, 0, 1, 1])
        self.assertEqual(ranges[0], [(0, 0xA0000), (0x100000, 0x10000000)])
        self.assertEqual(ranges[1], [(0x20000000, 0x30000000)])   # shifted by node 0's block
        _, physical = machine_layout(list(support.PRESETS.get("2x2").options), true_phys=True)
        self.assertEqual(physical[1], [(0x10000000, 0x20000000)])

    def test_node_without_memory_and_machine_without_numa(self):
        cpus, ranges = machine_layout(list(support.PRESETS.get("memless").options))
        self.assertEqual((cpus, sorted(ranges)), ([0, 0, 1, 1], [0]))
        cpus, ranges = machine_layout(list(support.PRESETS.get("smp8").options))
        self.assertEqual((cpus, sorted(ranges)), ([0] * 8, [0]))

    def test_option_names_plugin_ranges_cpus_and_extras(self):
        option = plugin_option("/p/numaprof.so", list(support.PRESETS.get("4x1").options), "out=/x")
        words = option.split(",")
        self.assertEqual(words[0], "/p/numaprof.so")
        self.assertEqual([w.split("=")[0] for w in words[1:]], ["mem0", "mem1", "mem2", "mem3", "cpunodes", "out"])
        self.assertIn("cpunodes=0:1:2:3", words)


class RunOption(unittest.TestCase):
    def test_every_run_loads_the_plugin_and_the_summary_reads_each_report(self):
        with tempfile.TemporaryDirectory() as logs:
            plugin = Path(logs, "numaprof.so")
            plugin.write_text("")
            fake = f"{sys.executable} {support.FAKE_QEMU}"
            done = subprocess.run([sys.executable, str(GRADE), "run", "--qemu", fake, "--kernel", support.KERNEL,
                                   "--topo", "uma,2x2", "--tests", "a", "--kargs", "fake=pass",
                                   "--profile", str(plugin), "--log-dir", logs],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            # The fake QEMU writes no report: each run says so, naming its file.
            summary = done.stdout[done.stdout.index("numaprof (modeled time"):]
            self.assertEqual(summary.count("no report"), 2, summary)
            self.assertIn(f"{Path(logs).resolve()}/2x2-", summary)

    def test_missing_plugin_is_a_usage_error(self):
        done = subprocess.run([sys.executable, str(GRADE), "run", "--kernel", support.KERNEL, "--profile",
                               "/nonexistent/numaprof.so"], capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("make profile-plugin", done.stderr)

    def test_lab_checks_the_plugin_and_passes_it_to_every_boot(self):
        done = subprocess.run([sys.executable, str(GRADE), "lab", "--lab", "1", "--profile", "/nonexistent/n.so"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn("make profile-plugin", done.stderr)
        done = subprocess.run([sys.executable, str(GRADE), "lab", "--lab", "1", "--profile-dir", "/tmp/x"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2, done.stdout + done.stderr)
        self.assertIn("--profile-dir needs --profile", done.stderr)
        from proxima_grader import lab_cli
        with tempfile.TemporaryDirectory() as reports:
            plugin = Path(reports, "numaprof.so")
            plugin.write_text("")
            parser = lab_cli.argparse.ArgumentParser()
            lab_cli._common(parser, 1)
            parser.add_argument("--presets")
            options = lab_cli._options(parser.parse_args(["--profile", str(plugin), "--profile-dir", reports]))
            self.assertEqual((options.profile, options.profile_dir), (str(plugin.resolve()), str(Path(reports).resolve())))

    def test_argv_and_report_file(self):
        spec = support.fake_spec("pass", preset="2x2")
        setup = support.QemuSetup(support.fake_setup().qemu, support.KERNEL, profile="/p/n.so", profile_dir="/d")
        argv = setup.argv(spec, "abc")
        option = argv[argv.index("-plugin") + 1]
        self.assertTrue(option.startswith("/p/n.so,mem0=0x0-0xa0000:"), option)
        self.assertTrue(option.endswith(",out=/d/2x2-abc.numaprof"), option)
        self.assertEqual(profile_file("/d", spec, "abc"), Path("/d/2x2-abc.numaprof"))
        self.assertNotIn("-plugin", support.fake_setup().argv(spec, "abc"))

    def test_rows_parse_keys_and_flags(self):
        rows = numaprof_rows("x\nNUMAPROF total insns=5 remote=2\nNUMAPROF phase=3 intervals=1 cpu=0 local=4\n")
        self.assertEqual(rows, [{"total": True, "insns": "5", "remote": "2"},
                                {"phase": "3", "intervals": "1", "cpu": "0", "local": "4"}])


if __name__ == "__main__":
    unittest.main()
