#!/usr/bin/env bash
# prepare.sh: everything Bochs needs to boot the kernel, in one directory.
#
#   scripts/bochs/prepare.sh --kernel=ELF --out=DIR [--kargs='...'] [--modules='FILE [ARGS],...']
#                            [--cpus=N] [--megs=M] [--serial=FILE]
#
# Writes into DIR:
#   proxima.iso   a GRUB rescue CD: GRUB boots /boot/kernel.elf with KARGS and
#                 the modules (in /boot/modules/) at once
#   bochsrc       the Bochs configuration: that CD, COM1 into a file, no network
#   kernel.sym    the kernel's symbols for Bochs's debugger ("address name" lines)
#   debugger.rc   debugger commands run at start: load kernel.sym, then continue
#   debugger-stop.rc  the same without 'continue' (make bochs BOCHS_BREAK=1)
#   bochs.log     (written later by Bochs) its own log: look here when it panics
#
# --modules takes make qemu's MODULES as it is: multiboot modules separated by
# commas, each a file and its arguments (module 0 sigma0, module 1 the root
# task, then the base OS's programs: "sigma0.elf,baseos.elf,demo.elf iter=2").
# Each becomes a GRUB `module` line, in that order; empty entries are skipped,
# and no modules at all boots the kernel alone. QEMU's -initrd gives the kernel
# each module's whole entry, "FILE ARGS", as its string; GRUB gives it only
# what follows the file on the `module` line. So the line names the file twice:
#   module /boot/modules/demo.elf /boot/modules/demo.elf iter=2
# and the kernel reads "/boot/modules/demo.elf iter=2": the same program name
# (the base OS takes the file name of the first word, less ".elf") and the same
# arguments as under QEMU; only the directory is the CD's. (GRUB splits the
# arguments into words and joins them with one space: "a  b" arrives as "a b".)
#
# KARGS end up on GRUB's `multiboot` line and module arguments on `module`
# lines, so characters GRUB's shell would interpret (quotes, ;, $, ...) are
# refused in both, and module file names must be plain (A-Z a-z 0-9 . _ + -).
# Used by `make iso`/`make bochs` (mk/bochs.mk) and by tests/bochs/boot_test.sh.
set -euo pipefail

kernel="" out="" kargs="" modules="" cpus=1 megs=128 serial=""
for arg in "$@"; do
  case $arg in
    --kernel=*)  kernel=${arg#*=} ;;
    --out=*)     out=${arg#*=} ;;
    --kargs=*)   kargs=${arg#*=} ;;
    --modules=*) modules=${arg#*=} ;;
    --cpus=*)    cpus=${arg#*=} ;;
    --megs=*)    megs=${arg#*=} ;;
    --serial=*)  serial=${arg#*=} ;;
    *) echo "prepare.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
[[ -n $kernel && -n $out ]] || { echo "usage: prepare.sh --kernel=ELF --out=DIR [--kargs=...] [--modules='FILE [ARGS],...'] [--cpus=N] [--megs=M] [--serial=FILE]" >&2; exit 2; }
[[ -f $kernel ]] || { echo "prepare.sh: no kernel at $kernel" >&2; exit 1; }
[[ $cpus =~ ^[1-9][0-9]*$ && $megs =~ ^[1-9][0-9]*$ ]] || { echo "prepare.sh: --cpus and --megs take numbers" >&2; exit 2; }

# check_grub_words WHAT TEXT: refuse TEXT if GRUB's shell would interpret part of it.
check_grub_words() {
  local what=$1 text=$2 c
  for c in '"' "'" "\\" ';' '$' '&' '|' '<' '>' '{' '}' '#' '`'; do
    [[ $text != *"$c"* ]] || { echo "prepare.sh: GRUB's shell would interpret the '$c' in $what '$text'" >&2; exit 2; }
  done
  [[ $text != *[$'\n\r']* ]] || { echo "prepare.sh: a line break in $what" >&2; exit 2; }
}
check_grub_words "the kernel arguments" "$kargs"

# The modules, in order: module_files[i] (a file here) and module_args[i].
module_files=() module_args=()
IFS=, read -r -a entries <<<"$modules"
for entry in ${entries[@]+"${entries[@]}"}; do
  file="" args=""
  read -r file args <<<"$entry" || true
  [[ -n $file ]] || continue
  [[ -f $file ]] || { echo "prepare.sh: no module file $file (module '$entry'); build it first" >&2; exit 1; }
  [[ $(basename "$file") =~ ^[A-Za-z0-9._+-]+$ ]] \
    || { echo "prepare.sh: the module file name '$(basename "$file")' has characters other than A-Z a-z 0-9 . _ + -" >&2; exit 2; }
  check_grub_words "the arguments of module $file:" "$args"
  module_files+=("$file") module_args+=("$args")
done

# The `term` display library draws the VGA screen with curses and opens no
# port. Debian ships it apart from Bochs, in the bochs-term package.
shopt -s nullglob
term_plugins=(/usr/lib/*/bochs/plugins/libbx_term_gui.so* /usr/lib/bochs/plugins/libbx_term_gui.so*
              /usr/local/lib/bochs/plugins/libbx_term_gui.so*)
shopt -u nullglob
if ((${#term_plugins[@]} == 0)); then
  echo "prepare.sh: Bochs's 'term' display library is missing: apt-get install bochs-term" >&2
  exit 1
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)  # Bochs gets absolute paths: it can then run from anywhere
serial=${serial:-$out/serial.log}
mkdir -p "$(dirname "$serial")"
serial=$(cd "$(dirname "$serial")" && pwd)/$(basename "$serial")

# 1. The CD's tree: the kernel, the modules and a grub.cfg that boots them
#    without a menu. GRUB 2 passes only KARGS as the multiboot command line; a
#    loader that prepends the path is fine too (the kernel skips a first word
#    with a '/'). A module file is copied once, however often it is named
#    (APPS='demo; demo'), to /boot/modules/NAME, or, when another file of
#    that NAME came first, to /boot/modules/<its position>/NAME.
root=$out/iso-root
rm -rf "$root"
mkdir -p "$root/boot/grub"
cp "$kernel" "$root/boot/kernel.elf"
declare -A cd_path_of=() source_of=()
module_lines=""
for i in "${!module_files[@]}"; do
  file=$(realpath "${module_files[$i]}")
  if [[ -z ${cd_path_of[$file]:-} ]]; then
    cd_path=/boot/modules/$(basename "$file")
    [[ -z ${source_of[$cd_path]:-} ]] || cd_path=/boot/modules/$i/$(basename "$file")
    mkdir -p "$root$(dirname "$cd_path")"
    cp "$file" "$root$cd_path"
    cd_path_of[$file]=$cd_path source_of[$cd_path]=$file
  fi
  cd_path=${cd_path_of[$file]}
  module_lines+="    module $cd_path $cd_path${module_args[$i]:+ ${module_args[$i]}}"$'\n'
done
cat > "$root/boot/grub/grub.cfg" <<EOF
# Generated by scripts/bochs/prepare.sh: boot Proxima at once.
set timeout=0
set default=0
menuentry "Proxima" {
    multiboot /boot/kernel.elf${kargs:+ $kargs}
${module_lines}}
EOF

# 2. The ISO. Only BIOS GRUB (i386-pc) is installed, so the CD has no EFI
#    image; --install-modules keeps just what the boot needs (normal reads
#    grub.cfg, multiboot loads the kernel and its modules; their dependencies
#    come along), and no fonts, locales or themes. grub-mkrescue's built-in
#    config also runs `insmod` on every partition map in partmap.lst: those
#    few KB come along too, or GRUB prints a "file not found" error for each.
#    About 1 MB, and the modules.
grub_dir=/usr/lib/grub/i386-pc
partmaps=$(tr '\n' ' ' < "$grub_dir/partmap.lst")
grub-mkrescue --output="$out/proxima.iso" --directory="$grub_dir" \
  --install-modules="normal multiboot $partmaps" --locales= --fonts= --themes= \
  "$root" >"$out/grub-mkrescue.log" 2>&1 \
  || { cat "$out/grub-mkrescue.log" >&2; echo "prepare.sh: grub-mkrescue failed" >&2; exit 1; }

# 3. Symbols for the debugger, so that disassembly reads `kernel_main+12` and
#    `lb "kernel_main"` sets a breakpoint by name.
"${NM:-llvm-nm}" -n --defined-only "$kernel" | awk 'NF == 3 { print $1, $3 }' > "$out/kernel.sym"
printf 'ldsym global "%s"\n' "$out/kernel.sym" > "$out/debugger-stop.rc"
{ cat "$out/debugger-stop.rc"; echo continue; } > "$out/debugger.rc"

# 4. The machine. Bochs expands $BXSHARE itself (/usr/share/bochs on Debian).
cat > "$out/bochsrc" <<EOF
# Generated by scripts/bochs/prepare.sh; regenerated by every 'make bochs'.
# A small PC: $cpus CPU(s), $megs MiB, booting the GRUB CD below.
megs: $megs
cpu: count=$cpus, reset_on_triple_fault=0
romimage: file=\$BXSHARE/BIOS-bochs-latest
vgaromimage: file=\$BXSHARE/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path="$out/proxima.iso", status=inserted
boot: cdrom

# The kernel's console is COM1: every byte goes to this file.
com1: enabled=1, mode=file, dev="$serial"

# The VGA screen is drawn with curses ('term'); unlike 'rfb' it opens no
# network port. No network card is configured, and no sound (Debian's Bochs
# wants a driver named even so).
display_library: term
sound: driver=dummy

# xchg bx, bx in the kernel stops Bochs in its debugger.
magic_break: enabled=1

# A triple fault stops Bochs with a message in the log instead of a silent
# reboot; so does any other panic.
log: "$out/bochs.log"
panic: action=fatal
EOF
names=""
for file in ${module_files[@]+"${module_files[@]}"}; do names+="${names:+, }${file##*/}"; done
echo "bochs: $out/bochsrc boots $out/proxima.iso (kernel args: ${kargs:-none}; modules: ${names:-none})"
