#!/usr/bin/env bash
# The floor for `lab run`: the same Wine work with no orchestration at all. A fresh prefix made the way lab
# makes one (in-fresh-prefix.sh), the three programs and a ready plan copied in, one Wine session until the
# guest runner prints its last line. Usage: floor.sh TEMPLATE PLAN BUILD_DIR DRIVER
set -euo pipefail
template=$1 plan=$2 build=$3 driver=$4
here=$(dirname "$0")
"$here/in-fresh-prefix.sh" "$template" "$build/lab-guest.exe" "$build/objdev-echo.exe" "$driver" "$plan" -- 'C:\lab\lab-guest.exe' "C:\\lab\\$(basename "$plan")" | grep -q -m1 '"t":"end"' || true
