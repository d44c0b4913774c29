#!/usr/bin/env bash
# boot_test.sh: boot the kernel in Bochs and check what it reports (make bochs-test).
#
#   tests/bochs/boot_test.sh KERNEL WORKDIR MODULES
#
# MODULES is the system `make bochs` boots by default, as make gives it (and
# QEMU's -initrd takes it): "sigma0.elf,baseos.elf,demo.elf", full paths.
#
# Bochs is a second, independent model of a PC: another BIOS, another ACPI
# table generator (no SRAT, so NUMA comes only from numa=fake), another APIC.
# Four boots, each from its own GRUB CD made by scripts/bochs/prepare.sh:
#
#   case       cpus  kernel arguments  modules   expected
#   fake-numa  1     numa=fake:2       none      topology: nodes=2 cpus=1, node 0 and node 1
#   plain      1     (none)            none      topology: nodes=1 cpus=1, node 0
#   smp        2     test=all          none      topology: nodes=1 cpus=2, every self-test passes
#   system     1     (none)            MODULES   topology: nodes=1 cpus=1; the program runs to its end
#   system-smp 2     numa=fake:2       MODULES   topology: nodes=2 cpus=2; the program runs to its end
#
# Each boot also gets nonce=<random>, and passes when the serial log shows
# `BOOT <nonce> complete cpus=C nodes=N` and the topology block above. While
# Bochs runs, the test fails if it listens on any TCP/UDP port off loopback.
#
# The system cases boot what `make bochs APPS='demo nonce=<nonce>'` boots:
# MODULES, with the argument nonce=<nonce> for the last module (the program).
# One passes when the kernel lists the modules as GRUB's `module` lines name
# them ("/boot/modules/FILE ARGS": path and arguments, as QEMU gives them),
# loads sigma0 and the root task, the base OS loads the program by its name
# with args 'nonce=<nonce>', the program exits with code 0 (on two CPUs and two
# fake nodes the demo also moves a thread to the other node), and the base OS
# says "all tasks have ended". Each takes 1 to 3 s, as long as a kernel boot:
# Bochs runs the whole demo quickly enough.
#
# Bochs never exits by itself (its PC has no isa-debug-exit), so the test
# waits for the last line it expects (BOOT, or the base OS's "all tasks have
# ended") and kills it. It waits as long as the serial log keeps growing:
# BOCHS_TEST_STALL seconds without output (default 120) or BOCHS_TEST_TIMEOUT
# seconds in all (default 300) per boot fail the test.
# Everything a boot leaves (serial.log, bochs.log, console.log, screen.log)
# stays in WORKDIR/<case>.
set -euo pipefail

[[ $# -eq 3 ]] || { echo "usage: boot_test.sh KERNEL WORKDIR MODULES" >&2; exit 2; }
kernel=$1 work=$2 system_modules=$3
stall_limit=${BOCHS_TEST_STALL:-120}
total_limit=${BOCHS_TEST_TIMEOUT:-300}
here=$(cd "$(dirname "$0")" && pwd)
prepare=$here/../../scripts/bochs/prepare.sh

command -v ss >/dev/null || { echo "bochs-test: needs ss (Debian package iproute2)" >&2; exit 1; }
# Debian builds Bochs with its internal debugger; its --help then offers -rc.
bochs_help=$(bochs --help 2>&1 || true)
if [[ $bochs_help == *"-rc filename"* ]]; then has_debugger=1; else has_debugger=0; fi

# The processes of the boot in progress; cleanup() ends them on any exit.
script_pid="" bochs_pid="" screen_pid=""
stop_bochs() {
  [[ -z $bochs_pid ]] || kill -KILL "$bochs_pid" 2>/dev/null || true  # it ignores SIGTERM
  [[ -z $script_pid ]] || wait "$script_pid" 2>/dev/null || true
  [[ -z $screen_pid ]] || { kill "$screen_pid" 2>/dev/null || true; wait "$screen_pid" 2>/dev/null || true; }
  script_pid="" bochs_pid="" screen_pid=""
}
trap stop_bochs EXIT
trap 'exit 130' INT TERM

# fail CASE_DIR MESSAGE: say what went wrong, show the evidence, and stop.
fail() {
  local dir=$1 message=$2
  stop_bochs
  echo "bochs-test: FAIL ($case_name): $message"
  echo "---- last lines of $dir/serial.log"
  tail -n 30 "$dir/serial.log" 2>/dev/null | tr -d '\r' || true
  echo "---- Bochs errors and panics ($dir/bochs.log)"
  grep -E '^[0-9]+[pe]\[' "$dir/bochs.log" 2>/dev/null | tail -n 20 || true
  echo "---- Bochs's terminal ($dir/console.log)"
  tail -n 10 "$dir/console.log" 2>/dev/null | tr -d '\r' || true
  echo
  echo "----"
  echo "reproduce: make ${BOCHS_TEST_MAKE_ARGS:+$BOCHS_TEST_MAKE_ARGS }bochs-test"
  echo "  or watch: make ${BOCHS_TEST_MAKE_ARGS:+$BOCHS_TEST_MAKE_ARGS }bochs BOCHS_CPUS=$cpus KARGS='$kargs' $watch_modules"
  exit 1
}

# Listening sockets of the Bochs process not bound to loopback (none expected:
# no network card, and 'term' instead of the rfb display, which listens).
public_sockets() {
  ss -H -l -n -t -u -p 2>/dev/null | grep -F "pid=$bochs_pid," \
    | awk '$5 !~ /^(127\.[0-9.]+|\[::1\]|\[::ffff:127\.[0-9.]+\]):[0-9]+$/' || true
}

# start_bochs DIR: run Bochs on DIR/bochsrc in the background.
start_bochs() {
  local dir=$1 cmd
  # The term display wants a terminal. Debian's Bochs (with its debugger)
  # opens a pseudo-terminal of its own for the screen; a Bochs without the
  # debugger draws on its controlling terminal. script(1) gives it one either
  # way. The debugger runs debugger.rc (load symbols, continue); should it
  # stop again (a magic break: xchg bx, bx), wait_for_boot sees its prompt.
  cmd=$(printf 'echo $$ > %q; TERM=vt100 exec bochs -f %q' "$dir/bochs.pid" "$dir/bochsrc")
  ((has_debugger)) && cmd+=$(printf ' -rc %q' "$dir/debugger.rc")
  script -qfec "$cmd" /dev/null </dev/null >"$dir/console.log" 2>&1 &
  script_pid=$!
  local waited=0
  until [[ -s $dir/bochs.pid ]]; do
    ((waited++ < 100)) || fail "$dir" "Bochs did not start"
    sleep 0.1
  done
  bochs_pid=$(cat "$dir/bochs.pid")
}

# drain_screen DIR: once Bochs names the screen's pseudo-terminal, read it
# into screen.log. Unread, its buffer would fill and stall Bochs.
drain_screen() {
  local dir=$1 pts
  [[ -z $screen_pid ]] || return 0
  pts=$(sed -n 's/.*Bochs connected to screen "\(\/dev\/pts\/[0-9]*\)".*/\1/p' "$dir/console.log" | head -n 1)
  [[ -n $pts ]] || return 0
  cat "$pts" >"$dir/screen.log" 2>/dev/null &
  screen_pid=$!
}

# wait_for DIR LINE: wait, by progress, until the serial log has a line that
# starts with LINE (a basic regular expression, ^ implied).
wait_for() {
  local dir=$1 line=$2 size last_size=-1 start=$SECONDS last_progress=$SECONDS open
  while ! grep -q "^$line" "$dir/serial.log" 2>/dev/null; do
    open=$(public_sockets)
    [[ -z $open ]] || fail "$dir" "Bochs listens on a non-loopback socket:"$'\n'"$open"
    ((has_debugger)) && drain_screen "$dir"
    kill -0 "$bochs_pid" 2>/dev/null || fail "$dir" "Bochs exited before the serial log had '$line'"
    ! grep -q "<bochs:[0-9]*>" "$dir/console.log" \
      || fail "$dir" "Bochs stopped in its debugger (a magic break, xchg bx, bx?)"
    size=$(stat -c %s "$dir/serial.log" 2>/dev/null || echo 0)
    if ((size != last_size)); then last_size=$size last_progress=$SECONDS; fi
    # A kernel panic ends the output: give its backtrace 3 s, then stop.
    if grep -q "^PANIC " "$dir/serial.log" 2>/dev/null && ((SECONDS - last_progress > 3)); then
      fail "$dir" "the kernel panicked"
    fi
    # The base OS stops for good after this one (it read no modules, or no pager started).
    ! grep -q "^baseos: cannot start" "$dir/serial.log" 2>/dev/null || fail "$dir" "the base OS did not start"
    ((SECONDS - last_progress <= stall_limit)) || fail "$dir" "no serial output for $stall_limit s"
    ((SECONDS - start <= total_limit)) || fail "$dir" "no '$line' after $total_limit s"
    sleep 1
  done
  # One last look at the sockets: they could have opened since the last poll.
  open=$(public_sockets)
  [[ -z $open ]] || fail "$dir" "Bochs listens on a non-loopback socket:"$'\n'"$open"
}

# check_output DIR NONCE NODES CPUS SELFTESTS: the serial log says what we expect.
check_output() {
  local dir=$1 nonce=$2 nodes=$3 cpus=$4 selftests=$5 log block expected i
  log=$(tr -d '\r' < "$dir/serial.log")
  # The topology block: its header line and the node lines that follow it.
  block=$(awk '/^topology: / { inside = 1; print; next }
               inside && /^node [0-9]+: / { print; next }
               inside { exit }' <<<"$log")
  expected="topology: nodes=$nodes cpus=$cpus"
  for ((i = 0; i < nodes; i++)); do expected+=$'\n'"node $i:"; done
  [[ $(awk '/^topology/ { print; next } { print $1, $2 }' <<<"$block") == "$expected" ]] \
    || fail "$dir" "wrong topology block; expected"$'\n'"$expected"$'\n'"got"$'\n'"$block"
  grep -q "^BOOT $nonce complete cpus=$cpus nodes=$nodes\$" <<<"$log" \
    || fail "$dir" "expected 'BOOT $nonce complete cpus=$cpus nodes=$nodes'"
  # GRUB must hand over exactly our arguments (the kernel lists any others).
  ! grep -q "^boot options the kernel does not know" <<<"$log" || fail "$dir" "the kernel saw unknown boot options"
  if ((selftests)); then
    grep -qE "^KTEST $nonce summary passed=[0-9]+ failed=0\$" <<<"$log" || fail "$dir" "a self-test failed"
  fi
  if [[ -z $modules ]]; then
    echo "bochs-test: $case_name: ok ($(grep -c '^node ' <<<"$block") node line(s), booted in $((SECONDS - case_start)) s)"
  fi
}

# check_system DIR NONCE: the kernel got the modules from GRUB as QEMU would
# give them, started sigma0 and the base OS, and the program ran to its end.
check_system() {
  local dir=$1 nonce=$2 log entries entry file args expected="" got
  log=$(tr -d '\r' < "$dir/serial.log")
  # The kernel's "module: [start, end) STRING" lines: GRUB's module strings.
  IFS=, read -r -a entries <<<"$modules"
  for entry in "${entries[@]}"; do
    read -r file args <<<"$entry" || true
    [[ -n $file ]] || continue
    expected+="${expected:+$'\n'}/boot/modules/${file##*/}${args:+ $args}"
  done
  got=$(sed -n 's/^module: \[[0-9a-f]*, [0-9a-f]*) //p' <<<"$log")
  [[ $got == "$expected" ]] \
    || fail "$dir" "the kernel's module strings are not GRUB's module lines; expected"$'\n'"$expected"$'\n'"got"$'\n'"$got"
  grep -q "^boot: sigma0: /boot/modules/" <<<"$log" || fail "$dir" "the kernel did not load sigma0"
  grep -q "^boot: root task: /boot/modules/" <<<"$log" || fail "$dir" "the kernel did not load the root task (the base OS)"
  grep -q "^baseos: task $program loaded (args 'nonce=$nonce')" <<<"$log" \
    || fail "$dir" "the base OS did not load the task $program with args 'nonce=$nonce'"
  grep -q "^baseos: task $program exited with code 0:" <<<"$log" \
    || fail "$dir" "the task $program did not exit with code 0: $(grep "^baseos: task $program " <<<"$log" | tail -n 1)"
  echo "bochs-test: $case_name: ok (sigma0, the base OS and $program ran to its end in $((SECONDS - case_start)) s)"
}

#         name      cpus  kernel arguments  nodes  self-tests  modules
cases=(  "fake-numa 1     numa=fake:2       2      0           -"
         "plain     1     -                 1      0           -"
         "smp       2     test=all          1      1           -"
         "system    1     -                 1      0           system"
         "system-smp 2    numa=fake:2       2      0           system" )

# The program of the system cases: the last module's file name, less ".elf".
program=${system_modules##*,}
program=${program%% *}
program=${program##*/}
program=${program%.elf}

mkdir -p "$work"
for entry in "${cases[@]}"; do
  read -r case_name cpus kargs nodes selftests modules <<<"$entry"
  case_start=$SECONDS
  nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  [[ $kargs == - ]] && kargs="nonce=$nonce" || kargs="$kargs nonce=$nonce"
  if [[ $modules == system ]]; then
    modules="$system_modules nonce=$nonce" last_line="baseos: all tasks have ended"
    watch_modules="APPS='$program nonce=$nonce'"
  else
    modules="" last_line="BOOT $nonce complete" watch_modules="MODULES="
  fi
  dir=$work/$case_name
  rm -rf "$dir"
  bash "$prepare" --kernel="$kernel" --out="$dir" --kargs="$kargs" --modules="$modules" --cpus="$cpus" >/dev/null
  dir=$(cd "$dir" && pwd)
  shown=""  # the modules, by file name
  IFS=, read -r -a entries <<<"$modules"
  for module in ${entries[@]+"${entries[@]}"}; do
    read -r file args <<<"$module" || true
    [[ -n $file ]] || continue
    shown+="${shown:+, }${file##*/}${args:+ $args}"
  done
  echo "bochs-test: $case_name: $cpus cpu(s), kernel arguments '$kargs'${shown:+, modules $shown}"
  start_bochs "$dir"
  wait_for "$dir" "$last_line"
  stop_bochs
  check_output "$dir" "$nonce" "$nodes" "$cpus" "$selftests"
  [[ -z $modules ]] || check_system "$dir" "$nonce"
done
echo "bochs-test: PASS (logs in $work)"
