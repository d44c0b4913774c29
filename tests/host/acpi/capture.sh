#!/usr/bin/env bash
# capture.sh: records the ACPI tables QEMU builds for each machine preset.
#
# Boots the kernel with the `acpidump` option under every preset of
# config/topologies.conf and keeps, per preset, the table dump
# (<preset>.acpidump) and the topology the kernel printed (<preset>.expected).
# The host tests replay each dump through the parser and compare with the
# .expected file. Rerun after changing presets or QEMU versions, then check
# every .expected file by hand against the preset's QEMU options before
# committing: the files are the test's truth.
#
# Usage: tests/host/acpi/capture.sh [kernel.elf] [preset...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
kernel=${1:-$root/build/release/kernel.elf}
shift || true
presets=("$@")
if ((${#presets[@]} == 0)); then
  mapfile -t presets < <(sed -n 's/^\([A-Za-z0-9_-]*\)[[:space:]]*=.*/\1/p' "$root/config/topologies.conf")
fi
for preset in "${presets[@]}"; do
  args=$(sed -n "s/^$preset[[:space:]]*=[[:space:]]*//p" "$root/config/topologies.conf")
  log=$(mktemp)
  # shellcheck disable=SC2086 # the preset is a list of QEMU options
  timeout 300 qemu-system-i386 -kernel "$kernel" -append "acpidump exit smp=off" $args -no-reboot \
    -display none -monitor none -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    </dev/null >"$log" || true
  tr -d '\r' <"$log" | grep '^acpidump ' >"$here/$preset.acpidump"
  tr -d '\r' <"$log" | sed -n '/^topology: /,/^[^n]/p' | grep -E '^(topology:|node [0-9]+:) ' >"$here/$preset.expected"
  rm -f "$log"
  echo "$preset: $(wc -l <"$here/$preset.acpidump") dump lines, $(head -1 "$here/$preset.expected")"
done
