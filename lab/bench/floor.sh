#!/usr/bin/env bash
# The floor for `lab run`: the same Wine work with no orchestration at all. A fresh prefix cloned from
# the template, the three programs and a ready plan copied in, one Wine session until the guest runner
# prints its last line, then wineserver -k. Usage: floor.sh TEMPLATE PLAN BUILD_DIR DRIVER
set -euo pipefail
template=$1 plan=$2 build=$3 driver=$4
prefix=$(mktemp -d)/prefix
cp -al "$template" "$prefix"
for f in system.reg user.reg userdef.reg; do rm "$prefix/$f"; cp "$template/$f" "$prefix/$f"; done
mkdir -p "$prefix/drive_c/lab"
cp "$build/lab-guest.exe" "$build/objdev-echo.exe" "$driver" "$plan" "$prefix/drive_c/lab/"
export WINEPREFIX=$prefix WINEDEBUG=-all,warn+debugstr,+pid WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
# Results are read until the last line (the debug stream is thrown away); Wine's teardown is not waited
# for, as lab does not wait for it either.
wine 'C:\lab\lab-guest.exe' 'C:\lab\plan.txt' </dev/null 2>/dev/null | grep -q -m1 '"t":"end"' || true
(wineserver -k; rm -rf "$(dirname "$prefix")") >/dev/null 2>&1 &
