#!/usr/bin/env bash
# The yardstick for `lab fuzz`: driver/bench/ioctl-loop.c making the same calls a fuzz run made, in a fresh
# prefix made the way lab makes one (in-fresh-prefix.sh), one Wine session. MODE says who sees the driver's
# DbgPrints:
#   bare     nobody: Wine writes them to its debug channel, thrown away (what a user's own loop gets);
#   watched  lab-monitor attached to the driver host as lab fuzz has it, the host writing its DbgPrint lines
#            itself (lab-prints.dll), the lines kept: DbgPrint captured the way lab captures it;
#   events   lab-monitor as above without lab-prints.dll: a debug event per DbgPrint (lab's way before).
# Prints the loop's own line (`calls <n> us <t> ...`) and, when watched, `printed <n>` (the DbgPrint lines
# captured). Usage: fuzz-loop.sh MODE TEMPLATE CALLS BUILD_DIR DRIVER SERVICE DEVICE
set -euo pipefail
mode=$1 template=$2 calls=$3 build=$4 driver=$5 service=$6 device=$7
here=$(dirname "$0")
loop=('C:\lab\ioctl-loop.exe' "$device" "$service" "C:\\lab\\$(basename "$driver")" "C:\\lab\\$(basename "$calls")")
if [ "$mode" = bare ]; then
  "$here/in-fresh-prefix.sh" "$template" "$build/ioctl-loop.exe" "$driver" "$calls" -- "${loop[@]}" | grep -m1 '^calls ' || true
  exit 0
fi
prints=()
[ "$mode" = watched ] && prints=(--prints 'C:\lab\lab-prints.dll' --print-token benchprints)
stderr=$(mktemp)
trap 'rm -f "$stderr"' EXIT
# The session's first process sets the driver hosts' channels, as the Wine target does (wine-env.ts).
LAB_BENCH_WINEDEBUG=-all,err+all,fixme+all,+pid LAB_BENCH_STDERR=$stderr "$here/in-fresh-prefix.sh" "$template" \
  "$build/ioctl-loop.exe" "$build/lab-monitor.exe" "$build/lab-anchor.sys" "$build/lab-prints.dll" "$driver" "$calls" -- \
  'C:\lab\lab-monitor.exe' --token bench --anchor 'C:\lab\lab-anchor.sys' "${prints[@]}" --service "$service" \
  --runner-debug -all,warn+debugstr,+pid -- "${loop[@]}" | grep -m1 '^calls ' || true
echo "printed $(grep -c '"t":"print"' "$stderr" || true)"
