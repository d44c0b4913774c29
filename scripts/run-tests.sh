#!/usr/bin/env bash
# run-tests.sh: runs each test suite (a make target) even when an earlier one
# failed, so one run shows every failure, then prints one summary line.
#
#   scripts/run-tests.sh host-tests grader-tests boot-tests ...
#
# Exit status: 0 only if every suite passed.
set -uo pipefail
make=${MAKE:-make}
passed=() failed=()
for suite in "$@"; do
  echo "==== $suite"
  if "$make" --no-print-directory "$suite"; then passed+=("$suite"); else failed+=("$suite"); fi
done
echo "===="
((${#failed[@]} == 0)) || echo "failed suites: ${failed[*]}"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
