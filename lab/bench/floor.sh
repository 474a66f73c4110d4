#!/usr/bin/env bash
# The floor for `lab run`: the same Wine work with no orchestration at all. A fresh prefix cloned from
# the template, the three programs and a ready plan copied in, one Wine session until the guest runner
# prints its last line, then wineserver -k. Usage: floor.sh TEMPLATE PLAN BUILD_DIR DRIVER [SERVICE]
# With SERVICE the session is watched as the Wine target watches it: lab-monitor attached to that
# service's driver host, the hosts without the debugstr channel (its cost is what `npm run bench --
# monitor` measures).
set -euo pipefail
template=$1 plan=$2 build=$3 driver=$4
prefix=$(mktemp -d)/prefix
cp -al "$template" "$prefix"
for f in system.reg user.reg userdef.reg; do rm "$prefix/$f"; cp "$template/$f" "$prefix/$f"; done
mkdir -p "$prefix/drive_c/lab"
cp "$build/lab-guest.exe" "$build/objdev-echo.exe" "$build/lab-monitor.exe" "$build/lab-anchor.sys" "$driver" "$plan" "$prefix/drive_c/lab/"
channels=-all,warn+debugstr,+pid
export WINEPREFIX=$prefix WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
runner=('C:\lab\lab-guest.exe' 'C:\lab\plan.txt')
if [ -n "${5:-}" ]; then
  export WINEDEBUG=-all,err+all,fixme+all,+pid
  runner=('C:\lab\lab-monitor.exe' --token bench --anchor 'C:\lab\lab-anchor.sys' --service "$5" --runner-debug "$channels" -- "${runner[@]}")
else
  export WINEDEBUG=$channels
fi
# Results are read until the last line (the debug stream is thrown away); Wine's teardown is not waited
# for, as lab does not wait for it either.
wine "${runner[@]}" </dev/null 2>/dev/null | grep -q -m1 '"t":"end"' || true
(wineserver -k; rm -rf "$(dirname "$prefix")") >/dev/null 2>&1 &
