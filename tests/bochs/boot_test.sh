#!/usr/bin/env bash
# boot_test.sh: boot the kernel in Bochs and check what it reports (make bochs-test).
#
#   tests/bochs/boot_test.sh KERNEL WORKDIR
#
# Bochs is a second, independent model of a PC: another BIOS, another ACPI
# table generator (no SRAT, so NUMA comes only from numa=fake), another APIC.
# Three boots, each from its own GRUB CD made by scripts/bochs/prepare.sh:
#
#   case       cpus  kernel arguments       expected
#   fake-numa  1     numa=fake:2            topology: nodes=2 cpus=1, node 0 and node 1
#   plain      1     (none)                 topology: nodes=1 cpus=1, node 0
#   smp        2     test=all               topology: nodes=1 cpus=2, every self-test passes
#
# Each boot also gets nonce=<random>, and passes when the serial log shows
# `BOOT <nonce> complete cpus=C nodes=N` and the topology block above. While
# Bochs runs, the test fails if it listens on any TCP/UDP port off loopback.
#
# Bochs never exits by itself (its PC has no isa-debug-exit), so the test
# waits for the BOOT line and kills it. It waits as long as the serial log
# keeps growing: BOCHS_TEST_STALL seconds without output (default 120) or
# BOCHS_TEST_TIMEOUT seconds in all (default 300) per boot fail the test.
# Everything a boot leaves (serial.log, bochs.log, console.log, screen.log)
# stays in WORKDIR/<case>.
set -euo pipefail

kernel=$1 work=$2
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
  echo "  or watch: make ${BOCHS_TEST_MAKE_ARGS:+$BOCHS_TEST_MAKE_ARGS }bochs BOCHS_CPUS=$cpus KARGS='$kargs'"
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

# wait_for_boot DIR NONCE: wait, by progress, for the BOOT line.
wait_for_boot() {
  local dir=$1 nonce=$2 size last_size=-1 start=$SECONDS last_progress=$SECONDS open
  while ! grep -q "^BOOT $nonce complete" "$dir/serial.log" 2>/dev/null; do
    open=$(public_sockets)
    [[ -z $open ]] || fail "$dir" "Bochs listens on a non-loopback socket:"$'\n'"$open"
    ((has_debugger)) && drain_screen "$dir"
    kill -0 "$bochs_pid" 2>/dev/null || fail "$dir" "Bochs exited before the kernel printed 'BOOT $nonce complete'"
    ! grep -q "<bochs:[0-9]*>" "$dir/console.log" \
      || fail "$dir" "Bochs stopped in its debugger (a magic break, xchg bx, bx?)"
    size=$(stat -c %s "$dir/serial.log" 2>/dev/null || echo 0)
    if ((size != last_size)); then last_size=$size last_progress=$SECONDS; fi
    # A kernel panic ends the output: give its backtrace 3 s, then stop.
    if grep -q "^PANIC " "$dir/serial.log" 2>/dev/null && ((SECONDS - last_progress > 3)); then
      fail "$dir" "the kernel panicked"
    fi
    ((SECONDS - last_progress <= stall_limit)) || fail "$dir" "no serial output for $stall_limit s"
    ((SECONDS - start <= total_limit)) || fail "$dir" "no 'BOOT $nonce complete' after $total_limit s"
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
  # GRUB must hand over exactly our arguments (the kernel warns about others).
  ! grep -q "^warning: unknown boot options" <<<"$log" || fail "$dir" "the kernel saw unknown boot options"
  if ((selftests)); then
    grep -qE "^KTEST $nonce summary passed=[0-9]+ failed=0\$" <<<"$log" || fail "$dir" "a self-test failed"
  fi
  echo "bochs-test: $case_name: ok ($(grep -c '^node ' <<<"$block") node line(s), booted in $((SECONDS - case_start)) s)"
}

#         name      cpus  kernel arguments  nodes  self-tests
cases=(  "fake-numa 1     numa=fake:2       2      0"
         "plain     1     -                 1      0"
         "smp       2     test=all          1      1" )

mkdir -p "$work"
for entry in "${cases[@]}"; do
  read -r case_name cpus kargs nodes selftests <<<"$entry"
  case_start=$SECONDS
  nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  [[ $kargs == - ]] && kargs="nonce=$nonce" || kargs="$kargs nonce=$nonce"
  dir=$work/$case_name
  rm -rf "$dir"
  bash "$prepare" --kernel="$kernel" --out="$dir" --kargs="$kargs" --cpus="$cpus" >/dev/null
  dir=$(cd "$dir" && pwd)
  echo "bochs-test: $case_name: $cpus cpu(s), kernel arguments '$kargs'"
  start_bochs "$dir"
  wait_for_boot "$dir" "$nonce"
  stop_bochs
  check_output "$dir" "$nonce" "$nodes" "$cpus" "$selftests"
done
echo "bochs-test: PASS (logs in $work)"
