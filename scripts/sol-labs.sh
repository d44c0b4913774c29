#!/bin/sh
# sol-labs.sh: expands a SOL= selection into lab numbers, one per line.
#
#   scripts/sol-labs.sh SELECTION AVAILABLE...
#
# SELECTION is all, none, N, N-M or a comma list of those (1,3-4); AVAILABLE
# are the labs that have a solutions/labN directory. Prints an error and
# exits 1 for a malformed selection or a lab without a solution.
selection=$1
shift
case $selection in
  all) for lab in "$@"; do echo "$lab"; done | sort -n; exit 0 ;;
  none | "") exit 0 ;;
esac
items=$(echo "$selection" | tr ',' ' ')
for item in $items; do
  case $item in
    *[!0-9-]* | -* | *- | *-*-*) echo "SOL=$selection: '$item' is not a lab number or range" >&2; exit 1 ;;
  esac
done
labs=$(for item in $items; do
  case $item in
    *-*) seq "${item%-*}" "${item#*-}" ;;
    *) echo "$item" ;;
  esac
done | sort -nu)
for lab in $labs; do
  found=no
  for have in "$@"; do [ "$have" = "$lab" ] && found=yes; done
  [ $found = yes ] || { echo "SOL=$selection: there is no solutions/lab$lab" >&2; exit 1; }
done
for lab in $labs; do echo "$lab"; done
