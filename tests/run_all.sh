#!/bin/bash
# Runs every test of every suite and prints one closing line of its own:
#   N passed, M failed[, K skipped]
# Each CppUTest group runs as its own process, several at once, so the slow
# end-to-end groups (10 s restart delays, grace periods) overlap.
# The libFuzzer targets each run a short smoke period and count as one test.
set -u
BUILD=${BUILD:-build}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
JOBS=${TEST_JOBS:-10}
GROUP_TIMEOUT=${GROUP_TIMEOUT:-600}
export PMTR_BUILD_DIR=$(cd "$BUILD" && pwd)

out=$(mktemp -d /tmp/pmtr-test.XXXXXX)
trap 'rm -rf "$out"' EXIT

tasks=()
for bin in "$BUILD"/tests/*_tests; do
  [ -x "$bin" ] || continue
  for g in $("$bin" -lg); do tasks+=("$bin:$g"); done
done

run_group() {
  local bin=${1%%:*} group=${1#*:}
  local log="$2/$(basename "$bin").$group.log"
  timeout --kill-after=10 "$GROUP_TIMEOUT" "$bin" -sg "$group" -v >"$log" 2>&1
  echo $? >"$log.rc"
}
export -f run_group
export GROUP_TIMEOUT
printf '%s\n' "${tasks[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_group "$1" "$2"' _ {} "$out"

passed=0 failed=0 skipped=0
for t in "${tasks[@]}"; do
  bin=${t%%:*} group=${t#*:}
  log="$out/$(basename "$bin").$group.log"
  rc=$(cat "$log.rc" 2>/dev/null || echo 1)
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

# Fuzz smoke: each target for a few seconds on its seed corpus.
for t in tests/fuzz/fuzz_*.cpp; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .cpp)
  if [ ! -x "$FUZZ_BUILD/$name" ]; then
    echo "SKIPPED: fuzz.$name: clang++ with libFuzzer not available"
    skipped=$((skipped + 1))
    continue
  fi
  corpus="$out/corpus-$name"
  mkdir -p "$corpus"
  if "$FUZZ_BUILD/$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
       "$corpus" "tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
    passed=$((passed + 1))
  else
    echo "=== fuzz $name failed ==="
    tail -n 40 "$out/$name.log"
    failed=$((failed + 1))
  fi
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
