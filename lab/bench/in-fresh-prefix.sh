#!/usr/bin/env bash
# One Wine session in a fresh prefix made the way lab makes one (an overlay of the template in a user and
# mount namespace, so nothing written reaches the template), with the Wine debug channel lab reads, and no
# orchestration: the files are copied to C:\lab, the program runs with stdin at /dev/null and stderr at
# /dev/null (the debug stream is thrown away) or the file LAB_BENCH_STDERR, its stdout comes out here, then
# wineserver -k. LAB_BENCH_WINEDEBUG sets the first process's channels (which Wine's services inherit).
# Usage: in-fresh-prefix.sh TEMPLATE FILE... -- PROGRAM ARG...   (PROGRAM and ARGs as Windows paths)
set -euo pipefail
template=$1
shift
files=()
while [ "$1" != "--" ]; do files+=("$(realpath "$1")"); shift; done
shift
dir=$(mktemp -d)
mkdir -p "$dir/upper" "$dir/work" "$dir/prefix"
export WINEPREFIX=$dir/prefix WINEDEBUG=${LAB_BENCH_WINEDEBUG:--all,warn+debugstr,+pid} WINEDLLOVERRIDES='winemenubuilder.exe=d;mshtml=d;mscoree=d' DISPLAY=
# Results are read by the caller until the line it waits for; Wine's teardown is not waited for, as lab
# does not wait for it either.
unshare --user --map-root-user --mount --propagation private -- sh -c '
  set -e
  template=$1 dir=$2 stderr=$3 count=$4
  shift 4
  mount -t overlay overlay -o "lowerdir=$template,upperdir=$dir/upper,workdir=$dir/work" "$dir/prefix"
  mkdir -p "$dir/prefix/drive_c/lab"
  while [ "$count" -gt 0 ]; do cp "$1" "$dir/prefix/drive_c/lab/"; shift; count=$((count - 1)); done
  cd "$dir/prefix/drive_c"
  wine "$@" </dev/null 2>"$stderr" || true
  (wineserver -k >/dev/null 2>&1 &)
' prefix "$template" "$dir" "${LAB_BENCH_STDERR:-/dev/null}" "${#files[@]}" "${files[@]}" "$@"
(sleep 2; rm -rf "$dir") >/dev/null 2>&1 &
