# gdb_stub.sh: what the GDB tests (break_test.sh, replay_test.sh) share, sourced by
# them: starting a make target that runs QEMU with its GDB stub on a random free port,
# and ending it. The sourcing script defines fail MESSAGE (which exits) and `limit`
# (seconds to wait), and has checked that `ss` exists.
#
#   start_stub LOG make-command...   the command, with GDBPORT=<port> added, in a
#                                    process group of its own; sets `port` and
#                                    `qemu_group` once QEMU listens on it
#   stop_stub                        ends make, QEMU and all (also on exit)

qemu_group=""
port=""

stop_stub() {
  # QEMU runs in a process group of its own (setsid): end make, QEMU and all.
  if [[ -n $qemu_group ]]; then
    kill -TERM -- "-$qemu_group" 2>/dev/null || true
    sleep 0.2
    kill -KILL -- "-$qemu_group" 2>/dev/null || true
    qemu_group=""
  fi
}
trap stop_stub EXIT
trap 'exit 130' INT TERM

port_is_listening() { [[ -n $(ss -H -l -t -n "sport = :$1" 2>/dev/null) ]]; }

# A random port in 20000-40000 that nobody listens on. Another program may still
# take it first, so QEMU gets three tries.
start_stub() {
  local log=$1 start
  shift
  for _ in 1 2 3; do
    port=$((20000 + RANDOM % 20001))
    port_is_listening "$port" && continue
    setsid "$@" GDBPORT="$port" </dev/null >"$log" 2>&1 &
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
  local listen
  listen=$(ss -H -l -t -n "sport = :$port" | awk '{ print $4 }')
  [[ $listen == 127.0.0.1:$port ]] || fail "the GDB stub listens on $listen, not on 127.0.0.1:$port"
}
