#!/bin/bash
# Runs pmtr's benchmark (docs/benchmarks.md).  Builds nothing: `make bench`
# built $BUILD/pmtr, $BUILD/pmtr-parser, $BUILD/bench/bench and
# $BUILD/bench/floor before calling this.
#
#   REPS=N      repetitions of each repeated scenario (default 5)
#   QUICK=1     one-repetition smoke run with small N and short windows
#   ONLY=a,b    only these scenarios: check start reload memory shutdown
#               restart ignore idle storm
#   NOFILE=N    soft RLIMIT_NOFILE for pmtr and the floor (default 1024,
#               what a service gets by default)
#   KEEP=1      keep the temporary directory (configs, pmtr's logs)
#   PEERS=1     (make bench-peers) runit, s6, supervisord: not built yet
#
# The results table goes to stdout and to $BUILD/bench/results.md.
set -euo pipefail
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."

if [ "${PEERS:-0}" = 1 ]; then
  echo "bench: the peers comparison (runit, s6, supervisord) is not built yet; see docs/benchmarks.md" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root (pmtr's jobs, the kernel's process-events connector)" >&2
  exit 1
fi
for f in "$BUILD/pmtr" "$BUILD/pmtr-parser" "$BUILD/bench/bench" "$BUILD/bench/floor"; do
  if [ ! -x "$f" ]; then
    echo "bench: $f missing; run: make BUILD=$BUILD bench" >&2
    exit 1
  fi
done

args=(--build "$BUILD" --nofile "${NOFILE:-1024}")
if [ "${QUICK:-0}" = 1 ]; then args+=(--quick); fi
if [ -n "${REPS:-}" ]; then args+=(--reps "$REPS"); fi
if [ -n "${ONLY:-}" ]; then args+=(--only "$ONLY"); fi
if [ "${KEEP:-0}" = 1 ]; then args+=(--keep); fi

out="$BUILD/bench/results.md"
status=0
"$BUILD/bench/bench" "${args[@]}" | tee "$out" || status=$?
echo "bench: table saved in $out" >&2
exit "$status"
