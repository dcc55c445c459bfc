#!/bin/bash
# Runs every test of every suite and prints one closing line of its own:
#   N passed, M failed[, K skipped]
# Each CppUTest group runs as its own process, several at once, so the slow
# end-to-end groups (10 s restart delays, grace periods) overlap.  The
# libFuzzer targets each run a short smoke period on their seed corpus, in
# the same pool, and count as one test each.
#
# Longest first: the pool starts the groups in decreasing order of how long
# they took, so that no slow group starts last and runs on alone at the end.
# Durations come from this build's last run ($BUILD/test-times.txt, written
# at the end of every run), else from tests/test-times.txt (a copy of one,
# checked in: on a clean clone, as in CI, that is all there is); a group in
# neither counts as $NEW_E2E_SECONDS if end-to-end, else as 0.
set -u
BUILD=${BUILD:-build}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
JOBS=${TEST_JOBS:-10}
GROUP_TIMEOUT=${GROUP_TIMEOUT:-600}
NEW_E2E_SECONDS=${NEW_E2E_SECONDS:-10}
export PMTR_BUILD_DIR=$(cd "$BUILD" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

out=$(mktemp -d /tmp/pmtr-test.XXXXXX)
trap 'rm -rf "$out"' EXIT

# Tasks: "BIN:GROUP" for a CppUTest group, "fuzz:NAME" for a fuzz target.
tasks=()
for bin in "$BUILD"/tests/*_tests; do
  [ -x "$bin" ] || continue
  for g in $("$bin" -lg); do tasks+=("$bin:$g"); done
done
fuzz_skipped=()
for t in tests/fuzz/fuzz_*.cpp; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .cpp)
  if [ -x "$FUZZ_BUILD/$name" ]; then
    tasks+=("fuzz:$name")
  else
    fuzz_skipped+=("$name")
  fi
done

# "suite.group" (or "fuzz.NAME") of a task, the key of the times files.
task_key() {
  case $1 in
    fuzz:*) echo "fuzz.${1#fuzz:}" ;;
    *) local bin=${1%%:*}; echo "$(basename "$bin").${1#*:}" ;;
  esac
}

declare -A seconds=()
for f in "$here/test-times.txt" "$BUILD/test-times.txt"; do   # the later file wins
  [ -r "$f" ] || continue
  while read -r key s; do
    [[ $key == \#* || -z $key ]] || seconds[$key]=$s
  done <"$f"
done
ordered=$(for t in "${tasks[@]}"; do
  key=$(task_key "$t")
  s=${seconds[$key]:-}
  if [ -z "$s" ]; then
    case $key in
      e2e_tests.*) s=$NEW_E2E_SECONDS ;;
      fuzz.*) s=$FUZZ_SECONDS ;;
      *) s=0 ;;
    esac
  fi
  printf '%s %s\n' "$s" "$t"
done | sort -s -k1,1 -g -r | cut -d' ' -f2-)

run_task() {
  local task=$1 dir=$2 log key start rc
  key=$(task_key "$task")
  log="$dir/$key.log"
  start=${EPOCHREALTIME/./}
  case $task in
    fuzz:*)
      local name=${task#fuzz:}
      mkdir -p "$dir/corpus-$name"
      "$FUZZ_BUILD/$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        "$dir/corpus-$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
      rc=$? ;;
    *)
      timeout --kill-after=10 "$GROUP_TIMEOUT" "${task%%:*}" -sg "${task#*:}" -v >"$log" 2>&1
      rc=$? ;;
  esac
  echo "$rc" >"$log.rc"
  local tenths=$(( (${EPOCHREALTIME/./} - start) / 100000 ))
  echo "$key $((tenths / 10)).$((tenths % 10))" >"$log.time"
}
export -f run_task task_key
export GROUP_TIMEOUT FUZZ_BUILD FUZZ_SECONDS
[ -z "$ordered" ] || printf '%s\n' "$ordered" | xargs -P "$JOBS" -I{} bash -c 'run_task "$1" "$2"' _ {} "$out"

passed=0 failed=0 skipped=0
for t in "${tasks[@]}"; do
  key=$(task_key "$t")
  log="$out/$key.log"
  rc=$(cat "$log.rc" 2>/dev/null || echo 1)
  if [[ $t == fuzz:* ]]; then
    if [ "$rc" = 0 ]; then
      passed=$((passed + 1))
    else
      echo "=== fuzz ${t#fuzz:} failed ==="
      tail -n 40 "$log"
      failed=$((failed + 1))
    fi
    continue
  fi
  bin=${t%%:*} group=${t#*:}
  summary=$(grep -E '^(OK|Errors) \(' "$log" | tail -n1)
  skips=$(grep -c '^SKIPPED: ' "$log")
  ran=$(sed -nE 's/.* ([0-9]+) ran,.*/\1/p' <<<"$summary")
  fails=$(sed -nE 's/^Errors \(([0-9]+) failures.*/\1/p' <<<"$summary")
  fails=${fails:-0}
  if [ -z "$ran" ]; then
    # No summary: the group crashed or timed out; all its tests count as failed.
    n=$("$bin" -sg "$group" -ln | wc -w)
    [ "$n" -gt 0 ] || n=1
    echo "=== $(basename "$bin") group $group died (exit $rc) ==="
    tail -n 40 "$log"
    failed=$((failed + n))
    continue
  fi
  if [ "$fails" -gt 0 ] || [ "$rc" != 0 ]; then
    echo "=== $(basename "$bin") group $group: $fails failed ==="
    grep -vE '^(TEST\(|\.|$)' "$log" | head -n 60
    [ "$fails" -gt 0 ] || fails=1
  fi
  grep '^SKIPPED: ' "$log"
  passed=$((passed + ran - fails - skips))
  failed=$((failed + fails))
  skipped=$((skipped + skips))
done
for name in "${fuzz_skipped[@]}"; do
  echo "SKIPPED: fuzz.$name: clang++ with libFuzzer not available"
  skipped=$((skipped + 1))
done

# This run's durations, longest first, for the next run's order.
cat "$out"/*.time 2>/dev/null | sort -k2,2 -g -r >"$BUILD/test-times.txt"

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
