#!/bin/bash
# Runs pmtr's benchmark (docs/benchmarks.md).  Builds nothing: `make bench`
# built $BUILD/pmtr, $BUILD/pmtr-parser, $BUILD/bench/bench,
# $BUILD/bench/floor and $BUILD/bench/linegen (and $BUILD/pmtr-log, without
# which the log scenarios skip pmtr and measure only the peers) before
# calling this.
#
#   REPS=N      repetitions of each repeated scenario (default 5)
#   QUICK=1     one-repetition smoke run with small N and short windows
#   ONLY=a,b    only these scenarios: check start reload memory shutdown
#               restart ignore idle storm control logthroughput logcpu
#               logmemory
#   NOFILE=N    soft RLIMIT_NOFILE for pmtr and the floor (default 1024,
#               what a service gets by default)
#   KEEP=1      keep the temporary directory (configs, pmtr's logs)
#   PEERS=1     (make bench-peers) also runit, s6 and supervisord, installed
#               from Debian's packages (no service started), each run in the
#               foreground on a temporary directory; pmtr's cold start,
#               restart, reload, memory, shutdown (and TERM-ignoring jobs),
#               idle and storm run alongside; the log scenarios run
#               s6-log (s6) and svlogd (runit) beside pmtr-log
#
# The results table goes to stdout and to $BUILD/bench/results.md.
set -euo pipefail
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root (pmtr's jobs, the kernel's process-events connector)" >&2
  exit 1
fi
if [ "${PEERS:-0}" = 1 ]; then
  # The peers come from Debian's packages.  None may start as a system
  # service: while they install, a policy-rc.d that answers 101 ("action
  # forbidden") keeps invoke-rc.d from starting supervisor's (or any)
  # init script; it is removed afterwards unless it was there before.
  need=""
  for p in runit s6 supervisor; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
  done
  if [ -n "$need" ]; then
    policy=/usr/sbin/policy-rc.d
    ours=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      ours=1
    fi
    status=0
    ./tests/install_deps.sh $need || status=$?
    if [ "$ours" = 1 ]; then rm -f "$policy"; fi
    if [ "$status" != 0 ]; then exit "$status"; fi
  fi
  for f in runsvdir sv svlogd s6-svscan s6-svscanctl s6-svc s6-svstat s6-log supervisord supervisorctl; do
    if ! command -v "$f" >/dev/null; then
      echo "bench: $f missing after installing runit s6 supervisor" >&2
      exit 1
    fi
  done
fi
for f in "$BUILD/pmtr" "$BUILD/pmtr-parser" "$BUILD/bench/bench" "$BUILD/bench/floor" "$BUILD/bench/linegen"; do
  if [ ! -x "$f" ]; then
    echo "bench: $f missing; run: make BUILD=$BUILD bench" >&2
    exit 1
  fi
done

if [ ! -x "$BUILD/pmtr-log" ]; then
  echo "bench: $BUILD/pmtr-log missing: the log scenarios measure the peers only" >&2
fi

args=(--build "$BUILD" --nofile "${NOFILE:-1024}")
if [ "${QUICK:-0}" = 1 ]; then args+=(--quick); fi
if [ -n "${REPS:-}" ]; then args+=(--reps "$REPS"); fi
if [ -n "${ONLY:-}" ]; then args+=(--only "$ONLY"); fi
if [ "${KEEP:-0}" = 1 ]; then args+=(--keep); fi
if [ "${PEERS:-0}" = 1 ]; then args+=(--peers); fi

out="$BUILD/bench/results.md"
status=0
"$BUILD/bench/bench" "${args[@]}" | tee "$out" || status=$?
echo "bench: table saved in $out" >&2
exit "$status"
