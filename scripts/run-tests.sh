#!/usr/bin/env bash
# run-tests.sh: runs each test suite (a make target) even when an earlier one
# failed, so one run shows every failure, then prints one summary line and the
# time each suite took (where CI's minutes go).
#
#   scripts/run-tests.sh host-tests grader-tests boot-tests ...
#
# Exit status: 0 only if every suite passed.
set -uo pipefail
make=${MAKE:-make}
passed=() failed=() times=()
for suite in "$@"; do
  echo "==== $suite"
  start=$SECONDS
  if "$make" --no-print-directory "$suite"; then passed+=("$suite"); else failed+=("$suite"); fi
  times+=("$(printf '%5ds  %s' $((SECONDS - start)) "$suite")")
done
echo "===="
printf '%s\n' "${times[@]}"
((${#failed[@]} == 0)) || echo "failed suites: ${failed[*]}"
echo "suites: ${#passed[@]} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
