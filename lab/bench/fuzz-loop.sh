#!/usr/bin/env bash
# The yardstick for `lab fuzz`: driver/bench/ioctl-loop.c making the same calls a fuzz run made, in a fresh
# prefix made the way lab makes one (in-fresh-prefix.sh), one Wine session. Prints the loop's own line
# (`calls <n> us <t> ...`). Usage: fuzz-loop.sh TEMPLATE CALLS BUILD_DIR DRIVER SERVICE DEVICE
set -euo pipefail
template=$1 calls=$2 build=$3 driver=$4 service=$5 device=$6
here=$(dirname "$0")
"$here/in-fresh-prefix.sh" "$template" "$build/ioctl-loop.exe" "$driver" "$calls" -- 'C:\lab\ioctl-loop.exe' "$device" "$service" "C:\\lab\\$(basename "$driver")" "C:\\lab\\$(basename "$calls")" | grep -m1 '^calls ' || true
