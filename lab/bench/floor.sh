#!/usr/bin/env bash
# The floor for `lab run`: the same Wine work with no orchestration at all. A fresh prefix made the way lab
# makes one (an overlay of the template in a user and mount namespace, so nothing written reaches the
# template), the three programs and a ready plan copied in, one Wine session until the guest runner prints
# its last line, then wineserver -k. Usage: floor.sh TEMPLATE PLAN BUILD_DIR DRIVER
set -euo pipefail
template=$1 plan=$2 build=$3 driver=$4
dir=$(mktemp -d)
mkdir -p "$dir/upper" "$dir/work" "$dir/prefix"
export WINEPREFIX=$dir/prefix WINEDEBUG=-all,warn+debugstr,+pid WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
# Results are read until the last line (the debug stream is thrown away); Wine's teardown is not waited
# for, as lab does not wait for it either.
unshare --user --map-root-user --mount --propagation private -- sh -c '
  set -e
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/prefix"
  mkdir -p "$2/prefix/drive_c/lab"
  cp "$3/lab-guest.exe" "$3/objdev-echo.exe" "$4" "$5" "$2/prefix/drive_c/lab/"
  cd "$2/prefix/drive_c"
  wine "C:\lab\lab-guest.exe" "C:\lab\plan.txt" </dev/null 2>/dev/null | grep -q -m1 "\"t\":\"end\"" || true
  (wineserver -k >/dev/null 2>&1 &)
' floor "$template" "$dir" "$build" "$driver" "$plan"
(sleep 2; rm -rf "$dir") >/dev/null 2>&1 &
