#!/usr/bin/env bash
# run.sh: boot a directory made by prepare.sh in Bochs, interactively (make bochs).
#
#   scripts/bochs/run.sh DIR SERIAL_LOG [stop]
#
# With Debian's Bochs this terminal becomes two things at once:
#   - the kernel's serial console: run.sh follows SERIAL_LOG here with tail;
#   - Bochs's debugger: Ctrl-C stops the machine at a <bochs:N> prompt
#     ('c' continues, 's' steps, 'lb "kernel_main"' breaks by name, 'q' quits).
# Bochs starts running at once; with 'stop' (make bochs BOCHS_BREAK=1) it waits
# at the first BIOS instruction so you can set breakpoints first.
#
# After a Ctrl-C session make says "Interrupt": it saw the Ctrl-C too, and
# waited for Bochs. Bochs ignores SIGTERM; `kill -HUP` ends it from outside.
#
# The VGA screen (BIOS and GRUB only: the kernel prints to COM1) goes to a
# pseudo-terminal of its own, named in the line 'Bochs connected to screen
# "/dev/pts/N"'; `cat /dev/pts/N` in another terminal shows it.
set -euo pipefail

dir=$1 serial=$2 mode=${3:-run}

# Debian builds Bochs with its internal debugger; `bochs --help` then offers
# -rc (run debugger commands from a file). Without the debugger, the curses
# screen takes this terminal instead and Ctrl-C goes to the guest.
bochs_help=$(bochs --help 2>&1 || true)
if [[ $bochs_help == *"-rc filename"* ]]; then has_debugger=1; else has_debugger=0; fi

: > "$serial"
tail_pid=""
cleanup() { [[ -z $tail_pid ]] || kill "$tail_pid" 2>/dev/null || true; }
trap cleanup EXIT

echo "bochs: serial output below (and in $serial); Bochs's own log: $dir/bochs.log"
if ((has_debugger)); then
  if [[ $mode == stop ]]; then
    echo "bochs: stopped before the BIOS; set breakpoints (lb \"kernel_main\"), then 'c' to run, 'q' to quit"
  else
    echo "bochs: Ctrl-C for the debugger prompt, then 'c' to continue or 'q' to quit" \
      "(where the base OS says 'quit QEMU with Ctrl-A X')"
  fi
  # A background job here ignores Ctrl-C, so the console survives a break.
  tail -n +1 -f "$serial" &
  tail_pid=$!
  rc=$dir/debugger.rc
  [[ $mode != stop ]] || rc=$dir/debugger-stop.rc
  bochs -f "$dir/bochsrc" -rc "$rc"
else
  echo "bochs: this Bochs has no debugger; it draws the screen here. Follow the console with: tail -f $serial"
  echo "bochs: to quit, run 'kill -HUP \$(pgrep -n bochs-bin)' in another terminal"
  sleep 2
  bochs -f "$dir/bochsrc"
fi
