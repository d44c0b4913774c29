#!/usr/bin/env bash
# break_test.sh: can GDB stop the kernel, and do the Proxima GDB commands show
# its threads, spaces, run queues and NUMA memory? (make gdb-test)
#
#   tests/gdb/break_test.sh BUILD WORKDIR
#
# What a student does by hand in two terminals, in one script:
#   (1) build the debug kernel (-Og, the build `make gdb` uses) and the user
#       programs (sigma0 and the l4test root task);
#   (2) `make qemu-gdb GDBPORT=<random free port> TOPO=2x2 MODULES=<sigma0,l4test>`
#       in the background (the test root task, not make qemu's default base OS):
#       QEMU stopped at its first instruction, its GDB stub on 127.0.0.1 only,
#       the root task told to run one IPC test (l4.ipc.call_reply), on the
#       2x2 machine (config/topologies.conf) whatever TOPO make was given;
#   (3) GDB in batch mode with the Makefile's gdbinit only, so the commands
#       of scripts/gdb/ must come from its `source scripts/gdb/proxima.py`:
#       break kernel_main / continue / bt / info registers eip, then
#       proxima-threads and proxima-numa (too early: they must say so, not
#       throw a traceback), then break syscall::ipc / continue (the first
#       system call of the user level) and every proxima-* command;
#   (4) check that GDB reports the breakpoint hit in kernel_main and that eip
#       is inside it; that the commands show sigma0 (thread 0x20.1) and the
#       root task (0x22.1), the caller's user registers, both spaces'
#       mappings (each program's image at its link address, the KIP page);
#       that proxima-numa shows the 2x2 machine, the same topology and pools
#       as the kernel's boot log, and each pool's use; and that no command
#       failed in Python; then stop QEMU.
# GDB_TEST_TIMEOUT (default 300; QEMU emulates, and CI machines are slow)
# bounds each wait. The Makefile writes the port into BUILD/debug/gdbinit on
# every make qemu-gdb / make gdb. QEMU's and GDB's output stay in WORKDIR.
set -euo pipefail

build=$1 work=$2
make=${MAKE:-make}
limit=${GDB_TEST_TIMEOUT:-300}
kargs="test=l4.ipc.call_reply nonce=gdb-test exit"
topo=2x2  # the proxima-numa checks below expect this machine
gdbinit=$build/debug/gdbinit
modules=$build/debug/userland/sigma0.elf,$build/debug/userland/l4test.elf
mkdir -p "$work"
source "$(dirname "$0")/gdb_stub.sh"

fail() {
  echo "gdb-test: FAIL: $1"
  echo "---- GDB ($work/gdb.log)"
  cat "$work/gdb.log" 2>/dev/null || true
  echo "---- make qemu-gdb ($work/qemu.log)"
  tail -n 20 "$work/qemu.log" 2>/dev/null || true
  echo "----"
  echo "reproduce: make gdb-test"
  echo "  or by hand: make qemu-gdb GDBPORT=$port TOPO=$topo MODULES=$modules KARGS='$kargs'   and in another terminal:   make gdb GDBPORT=$port"
  exit 1
}

# (1)
command -v ss >/dev/null || { echo "gdb-test: needs ss (Debian package iproute2)" >&2; exit 1; }
"$make" --no-print-directory DEBUG=1 kernel userland >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# (2)
start_stub "$work/qemu.log" "$make" --no-print-directory DEBUG=1 TOPO="$topo" MACHINE= MODULES="$modules" \
  KARGS="$kargs" qemu-gdb

# (3) Each command is a separate -ex, so one that fails does not stop the
# rest; `echo ==== NAME` lines split the log for the checks.
status=0
timeout "$limit" gdb -q -nx -batch -x "$gdbinit" \
  -ex 'break kernel_main' -ex continue -ex bt -ex 'info registers eip' \
  -ex 'echo ==== early threads\n' -ex proxima-threads \
  -ex 'echo ==== early numa\n' -ex proxima-numa \
  -ex 'break syscall::ipc' -ex continue \
  -ex 'echo ==== threads\n' -ex proxima-threads \
  -ex 'echo ==== runqueues\n' -ex proxima-runqueues \
  -ex 'echo ==== tcb\n' -ex proxima-tcb \
  -ex 'echo ==== tcb sigma0\n' -ex 'proxima-tcb 0x20' \
  -ex 'echo ==== space sigma0\n' -ex 'proxima-space 0x20' \
  -ex 'echo ==== space root\n' -ex 'proxima-space 0x22' \
  -ex 'echo ==== numa\n' -ex proxima-numa \
  -ex 'echo ==== end\n' \
  >"$work/gdb.log" 2>&1 || status=$?
((status != 124)) || fail "GDB did not finish within $limit s"

# The output of the command(s) after `==== $1` and before the next `====`.
section() { awk -v name="==== $1" '$0 == name { on = 1; next } /^====/ { on = 0 } on' "$work/gdb.log"; }
# expect SECTION REGEX WHAT: fail with WHAT unless a line of SECTION matches.
expect() { grep -qE -- "$2" <<<"$(section "$1")" || fail "$3"; }

# (4) Expected, e.g.:
#   Thread 1 hit Breakpoint 1, kernel_main (magic=..., info_phys=...) at kernel/main.cc:101
#   #0  kernel_main (magic=..., info_phys=...) at kernel/main.cc:101
#   eip            0xc010307c          0xc010307c <kernel_main(uint32_t, uint32_t)+12>
grep -qE 'Breakpoint 1, kernel_main \(' "$work/gdb.log" || fail "GDB did not stop at the breakpoint in kernel_main"
grep -qE '^#0 +kernel_main \(' "$work/gdb.log" || fail "the backtrace does not start in kernel_main"
grep -qE '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <kernel_main' "$work/gdb.log" || fail "eip is not in kernel_main"
! grep -qE 'Python Exception|Error occurred in Python|Traceback' "$work/gdb.log" ||
  fail "a proxima command failed in Python (scripts/gdb/)"
expect 'early threads' 'not set up yet' "proxima-threads at kernel_main does not say that the TCB array is not set up"
expect 'early numa' '^the kernel has not read the NUMA topology yet' \
  "proxima-numa at kernel_main does not say that the topology is not read yet"
grep -qE 'Breakpoint 2, syscall::ipc \(' "$work/gdb.log" || fail "GDB did not stop in syscall::ipc: the user level did not start (see QEMU's output below)"

# proxima-threads, e.g. "     0x20 0x20.1     Ready           0  100  0xef800000 (0x20.1)"
expect threads '^\*? +0x20 +0x20\.1 +[A-Za-z]+ +[0-9]+ +[0-9]+ +0x[0-9a-f]+ \(0x20\.1\)' \
  "proxima-threads does not list sigma0 (0x20.1) in its own space"
expect threads '^\*? +0x22 +0x22\.1 +[A-Za-z]+ +[0-9]+ +[0-9]+ +0x[0-9a-f]+ \(0x22\.1\)' \
  "proxima-threads does not list the root task (0x22.1) in its own space"
# Every CPU's idle thread exists before the user level starts (thread::create_idle_threads),
# so no CPU is still allocating from a pool when GDB stops at the first system call.
for cpu in 0 1 2 3; do
  expect threads "^\\*? +cpu $cpu idle thread: TCB 0x[0-9a-f]+" "proxima-threads does not list cpu $cpu's idle thread"
done

# proxima-runqueues: the caller of the system call is the current thread of its CPU.
expect runqueues '^cpu 0: current ' "proxima-runqueues does not show cpu 0"
expect runqueues '^cpu [0-9]+: current 0x2[02]\.1 Ready' "proxima-runqueues does not show sigma0 or the root task running"

# proxima-tcb without argument: the thread in the system call, with its user registers.
expect tcb '^TCB 0xfe02[02]000 \(slot 0x2[02]\): thread 0x2[02]\.1 ' "proxima-tcb does not show the calling thread"
expect tcb 'user registers \(TrapFrame at 0xfe02[02]fc4, user mode\)' "proxima-tcb does not find the user TrapFrame"
expect tcb '^    eip [0-9a-f]{8}  esp [0-9a-f]{8}' "proxima-tcb does not print the user registers"
expect 'tcb sigma0' '^TCB 0xfe020000 \(slot 0x20\): thread 0x20\.1 \(raw 0x00080001\)' "proxima-tcb 0x20 is not sigma0"
expect 'tcb sigma0' '^  send queue: ' "proxima-tcb 0x20 does not print the send queue"

# proxima-space, e.g. "  b0000000-b0087fff -> 002e7000  rw     544 KiB  root": each
# program's image at its link address (mk/userland.mk), the KIP page read-only.
expect 'space sigma0' '^space 0x[0-9a-f]+ \(0x20\.1\): home node [0-9]+, 1 thread, privileged' \
  "proxima-space 0x20 does not describe sigma0's space"
expect 'space sigma0' '^  b0000000-[0-9a-f]{8} -> [0-9a-f]{8}  rw .* root$' "proxima-space 0x20 does not show sigma0's image"
expect 'space sigma0' '^  bffff000-bfffffff -> [0-9a-f]{8}  r .* kernel$' "proxima-space 0x20 does not show the KIP page"
expect 'space root' '^space 0x[0-9a-f]+ \(0x22\.1\): home node ' "proxima-space 0x22 does not describe the root task's space"
expect 'space sigma0' '^  directories: master at 0x[0-9a-f]+ \(kernel virtual\); per cpu \(physical\): cpu [0-9]+ [0-9a-f]{8}' \
  "proxima-space 0x20 does not list the per-CPU directories of sigma0, which has run"
expect 'space root' '^  00400000-[0-9a-f]{8} -> [0-9a-f]{8}  rw ' "proxima-space 0x22 does not show the root task's image"

# proxima-numa on the 2x2 machine: 2 nodes of 2 CPUs each, distances 10/20,
# a pool on each node, e.g.
#   topology: nodes=2 cpus=4
#   node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20
#   node 1: cpus=2,3 mem=0x10000000-0x20000000 distance=20,10
#   source Srat, proximity domains 0,1, apic ids 0,1,2,3, local APIC at 0xfee00000
#   kmem: node 0 pool phys 0xf800000-0x10000000 virt 0xef800000 size 8192 KiB
#     used 1082 KiB, free 7110 KiB in 3 blocks (largest 7108 KiB)
#   kmem: node 1 pool phys 0x1f7e0000-0x1ffe0000 virt 0xef000000 size 8192 KiB
#     used 0 KiB, free 8192 KiB in 1 block (largest 8192 KiB)
expect numa '^topology: nodes=2 cpus=4$' "proxima-numa does not show 2 nodes and 4 CPUs"
expect numa '^node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20$' \
  "proxima-numa does not show node 0 of the 2x2 machine (cpus 0,1, its memory, distances 10,20)"
expect numa '^node 1: cpus=2,3 mem=0x10000000-0x20000000 distance=20,10$' \
  "proxima-numa does not show node 1 of the 2x2 machine (cpus 2,3, its memory, distances 20,10)"
expect numa '^source Srat, proximity domains 0,1, apic ids 0,1,2,3, local APIC at 0x[0-9a-f]+$' \
  "proxima-numa does not show the SRAT's domains and the CPUs' APIC ids"
# The same topology and pools as the kernel printed at boot (its serial lines end in CR;
# for a node without a pool, the kernel adds which node serves it).
boot_numa=$(tr -d '\r' <"$work/qemu.log" | grep -E '^(topology: |node [0-9]+: |kmem: node )' | sed 's/;.*//')
gdb_numa=$(section numa | grep -E '^(topology: |node [0-9]+: |kmem: node )')
[[ -n $boot_numa && $gdb_numa == "$boot_numa" ]] ||
  fail "proxima-numa and the kernel's boot log differ: boot log:
$boot_numa
proxima-numa:
$gdb_numa"
pool_line='^kmem: node [01] pool phys 0x[0-9a-f]+-0x[0-9a-f]+ virt 0x[0-9a-f]+ size [0-9]+ KiB$'
((2 == $(section numa | grep -cE "$pool_line"))) ||
  fail "proxima-numa does not show a kmem pool on each of the 2 nodes"
# Each pool's use: a line in the expected form (so no complaint about the free
# list), at least one free block, and used + free = the pool's size.
section numa | awk '
  /^kmem: node [0-9]+ pool / { size = $(NF - 1); pools++ }
  /^  used [0-9]+ KiB, free [0-9]+ KiB in [1-9][0-9]* blocks? \(largest [0-9]+ KiB\)$/ {
    split($0, w, / +/)  # w[3]: used, w[6]: free (w[1] is the empty text before the indent)
    if (w[3] + w[6] == size) good++
  }
  END { exit !(pools == 2 && good == 2) }' ||
  fail "proxima-numa does not show each pool's use (used + free = size, its free blocks)"
echo "gdb-test: PASS (GDB stopped at kernel_main and in syscall::ipc; proxima commands checked, proxima-numa on $topo; port $port; logs in $work)"
