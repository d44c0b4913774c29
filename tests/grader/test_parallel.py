import tempfile
import unittest

import support
from proxima_grader import RunSpec, run_many


class Parallel(unittest.TestCase):
    def test_runs_overlap_and_results_keep_their_order(self):
        # Every fake QEMU waits until all four have started: this only
        # passes if the four runs are alive at the same time.
        with tempfile.TemporaryDirectory() as directory:
            presets = ["uma", "2x2", "4x1", "asym"]
            specs = [support.fake_spec("barrier", preset=p, extra=(f"fakebarrier={directory}:4",),
                                       label=f"run{i}")
                     for i, p in enumerate(presets)]
            finished = []
            results = run_many(specs, support.fake_setup(), jobs=4,
                               on_done=lambda r: finished.append(r.spec.label))
        for spec, result in zip(specs, results):
            self.assertIs(result.spec, spec)
            self.assertTrue(result.passed, result.outcome.reason)
        self.assertEqual(sorted(finished), sorted(s.label for s in specs))

    def test_more_runs_than_jobs(self):
        specs = [support.fake_spec("pass", preset=p.name) for p in support.PRESETS]
        results = run_many(specs, support.fake_setup(), jobs=3)
        self.assertEqual([r.spec.preset.name for r in results], support.PRESETS.names())
        failed = [(r.spec.preset.name, r.outcome.reason) for r in results if not r.passed]
        self.assertEqual(failed, [])

    def test_one_job_runs_serially(self):
        specs = [RunSpec(support.PRESETS.get("uma"), kargs=("fake=pass",)) for _ in range(3)]
        self.assertTrue(all(r.passed for r in run_many(specs, support.fake_setup(), jobs=1)))


if __name__ == "__main__":
    unittest.main()
