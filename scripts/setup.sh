#!/usr/bin/env bash
# setup.sh: installs the Debian packages Proxima needs, if any are missing.
#
# Safe to run again and again: when every tool is present it only checks and
# exits. The Makefile runs it before the first build. Needs root (or sudo) only
# when something must be installed.
set -euo pipefail

# command-or-file  package
needs=(
  "clang++ clang"
  "ld.lld lld"
  "llvm-nm llvm"
  "qemu-system-i386 qemu-system-x86"
  "bochs bochs"
  "/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so bochs-term"
  "/usr/share/bochs/BIOS-bochs-latest bochsbios"
  "/usr/share/vgabios/vgabios.bin vgabios"
  "/usr/include/catch2/catch.hpp catch2"
  "doxygen doxygen"
  "gnuplot gnuplot-nox"
  "/usr/lib/grub/i386-pc/multiboot.mod grub-pc-bin"
  "grub-mkrescue grub-common"
  "xorriso xorriso"
  "mformat mtools"
  "gdb gdb"
  "python3 python3"
  "script bsdutils"
  "ss iproute2"
)
rt_lib="$(clang++ --print-resource-dir 2>/dev/null || echo /nonexistent)/lib/linux/libclang_rt.builtins-i386.a"

missing=()
for entry in "${needs[@]}"; do
  what=${entry% *}; pkg=${entry#* }
  if [[ $what == /* ]]; then [[ -e $what ]] || missing+=("$pkg")
  else command -v "$what" >/dev/null 2>&1 || missing+=("$pkg"); fi
done
[[ -e $rt_lib ]] || missing+=("libclang-rt-14-dev")

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing missing Debian packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
