#!/usr/bin/env bash
# make-handout.sh: writes the student tree (make handout OUT=dir).
#
# The handout is every file the kit's git tracks (commit first: untracked
# files are left out), minus what only instructors may see:
#   solutions/                   the reference versions of the lab files
#   grader/hidden/               hidden tests and topologies
#   tests/labs/                  the kit's own lab checks (mutants of solutions)
#   labs/*/INSTRUCTOR.md         notes for instructors
# Without solutions/, the handout's Makefile builds the students' lab files
# (SOL defaults to none), so each lab's holes stop the kernel with a message
# naming the lab, the file and the function. The handout is a fresh git
# repository with one commit, ready to push to students.
set -euo pipefail
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
git rev-parse --git-dir >/dev/null 2>&1 || { echo "make handout: run it in the kit's git checkout" >&2; exit 1; }
if [[ -e $out && -n $(ls -A "$out" 2>/dev/null) ]]; then
  echo "make handout: $out exists and is not empty; choose a new directory" >&2
  exit 1
fi
mkdir -p "$out"
git ls-files -z --cached \
  | grep -zv -E '^(solutions/|grader/hidden/|tests/labs/|labs/[^/]+/INSTRUCTOR\.md$)' \
  | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
  | tar -C "$root" --null -T - -cf - | tar -C "$out" -xf -
(
  cd "$out"
  git init -q
  git add -A
  git -c user.name="Proxima" -c user.email="handout@proxima.invalid" commit -qm "Proxima handout"
)
echo "handout written to $out ($(cd "$out" && git ls-files | wc -l) files); start with labs/lab1-*/README.md"
