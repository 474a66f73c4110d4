#!/usr/bin/env bash
# The yardstick for `lab fuzz`: driver/bench/ioctl-loop.c making the same calls a fuzz run made, in a prefix
# made the way lab makes one (an overlay of the template in a user and mount namespace), with the same Wine
# debug channel lab reads, one Wine session. Prints the loop's own line (`calls <n> us <t>`).
# Usage: fuzz-loop.sh TEMPLATE CALLS BUILD_DIR DRIVER SERVICE DEVICE
set -euo pipefail
template=$1 calls=$2 build=$3 driver=$4 service=$5 device=$6
dir=$(mktemp -d)
mkdir -p "$dir/upper" "$dir/work" "$dir/prefix"
export WINEPREFIX=$dir/prefix WINEDEBUG=-all,warn+debugstr,+pid WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
unshare --user --map-root-user --mount --propagation private -- sh -c '
  set -e
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/prefix"
  mkdir -p "$2/prefix/drive_c/lab"
  cp "$3/ioctl-loop.exe" "$4" "$2/prefix/drive_c/lab/"
  cp "$5" "$2/prefix/drive_c/lab/calls.txt"
  cd "$2/prefix/drive_c"
  # The debug stream is read (and thrown away) as lab reads it; the result line is the last stdout line.
  wine "C:\lab\ioctl-loop.exe" "$7" "$6" "C:\lab\\$8" "C:\lab\calls.txt" </dev/null 2>/dev/null | grep -m1 "^calls " || true
  (wineserver -k >/dev/null 2>&1 &)
' loop "$template" "$dir" "$build" "$driver" "$calls" "$service" "$device" "$(basename "$driver")"
(sleep 2; rm -rf "$dir") >/dev/null 2>&1 &
