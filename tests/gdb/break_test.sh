#!/usr/bin/env bash
# break_test.sh: can GDB stop the kernel at kernel_main? (make gdb-test)
#
#   tests/gdb/break_test.sh BUILD WORKDIR
#
# What a student does by hand in two terminals, in one script:
#   (1) build the debug kernel (-Og, the build `make gdb` uses);
#   (2) `make qemu-gdb GDBPORT=<random free port>` in the background: QEMU
#       stopped at its first instruction, its GDB stub on 127.0.0.1 only;
#   (3) GDB in batch mode with the Makefile's gdbinit, plus
#       break kernel_main / continue / bt / info registers eip;
#   (4) check that GDB reports the breakpoint hit in kernel_main and that eip
#       is inside it; then stop QEMU.
# GDB_TEST_TIMEOUT (default 120) bounds each wait. The Makefile writes the port
# into BUILD/debug/gdbinit on every make qemu-gdb / make gdb. QEMU's and GDB's
# output stay in WORKDIR.
set -euo pipefail

build=$1 work=$2
make=${MAKE:-make}
limit=${GDB_TEST_TIMEOUT:-120}
gdbinit=$build/debug/gdbinit
mkdir -p "$work"

qemu_group=""
cleanup() {
  # QEMU runs in a process group of its own (setsid): end make, QEMU and all.
  if [[ -n $qemu_group ]]; then
    kill -TERM -- "-$qemu_group" 2>/dev/null || true
    sleep 0.2
    kill -KILL -- "-$qemu_group" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "gdb-test: FAIL: $1"
  echo "---- GDB ($work/gdb.log)"
  cat "$work/gdb.log" 2>/dev/null || true
  echo "---- make qemu-gdb ($work/qemu.log)"
  tail -n 20 "$work/qemu.log" 2>/dev/null || true
  echo "----"
  echo "reproduce: make gdb-test"
  echo "  or by hand: make qemu-gdb GDBPORT=$port   and in another terminal:   make gdb GDBPORT=$port"
  exit 1
}

port_is_listening() { [[ -n $(ss -H -l -t -n "sport = :$1" 2>/dev/null) ]]; }

# (1)
command -v ss >/dev/null || { echo "gdb-test: needs ss (Debian package iproute2)" >&2; exit 1; }
"$make" --no-print-directory DEBUG=1 kernel >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# (2) A random port in 20000-40000 that nobody listens on. Another program may
# still take it first, so QEMU gets three tries.
port=""
for _ in 1 2 3; do
  port=$((20000 + RANDOM % 20001))
  port_is_listening "$port" && continue
  setsid "$make" --no-print-directory DEBUG=1 GDBPORT="$port" KARGS=exit qemu-gdb \
    </dev/null >"$work/qemu.log" 2>&1 &
  qemu_group=$!
  start=$SECONDS
  until port_is_listening "$port"; do
    kill -0 "$qemu_group" 2>/dev/null || break
    ((SECONDS - start <= limit)) || fail "QEMU did not listen on 127.0.0.1:$port after $limit s"
    sleep 0.2
  done
  port_is_listening "$port" && break
  qemu_group=""  # make exited: QEMU could not start (port taken?); try again
done
[[ -n $qemu_group ]] || fail "QEMU did not start (three ports tried)"
listen=$(ss -H -l -t -n "sport = :$port" | awk '{ print $4 }')
[[ $listen == 127.0.0.1:$port ]] || fail "the GDB stub listens on $listen, not on 127.0.0.1:$port"

# (3)
status=0
timeout "$limit" gdb -q -nx -batch -x "$gdbinit" \
  -ex 'break kernel_main' -ex continue -ex bt -ex 'info registers eip' \
  >"$work/gdb.log" 2>&1 || status=$?
((status != 124)) || fail "GDB did not finish within $limit s"

# (4) Expected, e.g.:
#   Thread 1 hit Breakpoint 1, kernel_main (magic=..., info_phys=...) at kernel/main.cc:101
#   #0  kernel_main (magic=..., info_phys=...) at kernel/main.cc:101
#   eip            0xc010307c          0xc010307c <kernel_main(uint32_t, uint32_t)+12>
grep -qE 'Breakpoint 1, kernel_main \(' "$work/gdb.log" || fail "GDB did not stop at the breakpoint in kernel_main"
grep -qE '^#0 +kernel_main \(' "$work/gdb.log" || fail "the backtrace does not start in kernel_main"
grep -qE '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <kernel_main' "$work/gdb.log" || fail "eip is not in kernel_main"
echo "gdb-test: PASS (GDB stopped at kernel_main; port $port; logs in $work)"
