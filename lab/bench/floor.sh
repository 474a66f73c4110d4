#!/usr/bin/env bash
# The floor for `lab run`: the same Wine work with no orchestration at all. A fresh prefix made the way lab
# makes one (an overlay of the template in a user and mount namespace, so nothing written reaches the
# template), the programs and a ready plan copied in, one Wine session until the guest runner prints its
# last line, then wineserver -k. Usage: floor.sh TEMPLATE PLAN BUILD_DIR DRIVER [SERVICE]
# With SERVICE the session is watched as the Wine target watches it: lab-monitor attached to that
# service's driver host, the hosts without the debugstr channel, writing their DbgPrint lines themselves
# (lab-prints.dll) (its cost is what `npm run bench -- monitor` measures).
set -euo pipefail
template=$1 plan=$2 build=$3 driver=$4 service=${5:-}
dir=$(mktemp -d)
mkdir -p "$dir/upper" "$dir/work" "$dir/prefix"
channels=-all,warn+debugstr,+pid
if [ -n "$service" ]; then first=-all,err+all,fixme+all,+pid; else first=$channels; fi
export WINEPREFIX=$dir/prefix WINEDEBUG=$first WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
# Results are read until the last line (the debug stream is thrown away); Wine's teardown is not waited
# for, as lab does not wait for it either.
unshare --user --map-root-user --mount --propagation private -- sh -c '
  set -e
  mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/prefix"
  mkdir -p "$2/prefix/drive_c/lab"
  cp "$3/lab-guest.exe" "$3/objdev-echo.exe" "$3/lab-monitor.exe" "$3/lab-anchor.sys" "$3/lab-prints.dll" "$4" "$5" "$2/prefix/drive_c/lab/"
  cd "$2/prefix/drive_c"
  if [ -n "$6" ]; then
    set -- "C:\lab\lab-monitor.exe" --token bench --anchor "C:\lab\lab-anchor.sys" --prints "C:\lab\lab-prints.dll" --print-token benchprints --service "$6" --runner-debug "$7" -- "C:\lab\lab-guest.exe" "C:\lab\plan.txt"
  else
    set -- "C:\lab\lab-guest.exe" "C:\lab\plan.txt"
  fi
  wine "$@" </dev/null 2>/dev/null | grep -q -m1 "\"t\":\"end\"" || true
  (wineserver -k >/dev/null 2>&1 &)
' floor "$template" "$dir" "$build" "$driver" "$plan" "$service" "$channels"
(sleep 2; rm -rf "$dir") >/dev/null 2>&1 &
