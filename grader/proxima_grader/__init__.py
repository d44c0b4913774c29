"""Proxima grader: boots the kernel under QEMU and judges what it reports.

The modules, in the order a run flows through them:
  presets   machine presets from config/topologies.conf
  spec      RunSpec: one boot to make (preset, self-tests, kernel options, checks, limits)
  qemu      the QEMU command line; start, watch, kill
  serial    timestamped capture of the serial output, under a size cap
  protocol  the KTEST / BOOT / PANIC lines
  expect    expected blocks and regexes
  judge     the verdict of a run
  runner    run one spec or many in parallel -> RunResult
  reproduce commands that rerun one run alone
  report    text and JSON reports
  cli       grade.py

Lab grading builds on them:
  labs       labs/lab<N>-*/: manifests, stage.toml, hidden tests -> Stage
  build      make kernel / print-kernel, with SOL
  workspace  a submission's lab files in a fresh copy of the trusted kit
  scoring    one boot per preset, points per (test, preset) -> StageGrade
  grading    plan and grade a tree or a submission -> Grade
  batch      many submissions in parallel
  lab_report text and JSON reports of a Grade
  exports    Gradescope results.json, JUnit XML, GitHub Classroom autograding.json
  lab_cli    grade.py lab, batch, classroom
"""

from .expect import ExpectBlock, ExpectRegex, load_block
from .presets import Preset, PresetError, Presets, load_presets, parse_presets
from .qemu import QemuSetup
from .runner import RunResult, run_many, run_one
from .spec import Limits, RunSpec, SpecError, machine_shape
from .verdict import Outcome, Problem, TestResult, TestState, Verdict

__all__ = [
    "ExpectBlock", "ExpectRegex", "load_block", "Preset", "PresetError", "Presets",
    "load_presets", "parse_presets", "QemuSetup", "RunResult", "run_many", "run_one",
    "Limits", "RunSpec", "SpecError", "machine_shape", "Outcome", "Problem",
    "TestResult", "TestState", "Verdict",
]
