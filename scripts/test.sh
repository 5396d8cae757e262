#!/usr/bin/env bash
# Every test, on a fresh machine: install what is missing, build, run unit, golden, capture and
# real-ensemble tests, the unit tests again under ASan+UBSan, and the fuzzer for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

passed=0 failed=0
# Runs ctest in a build dir and adds its counts to the totals.
run_ctest() {
  local dir=$1; shift
  local log
  log=$(mktemp)
  set +e
  ctest --test-dir "$dir" --output-on-failure --timeout 600 "$@" 2>&1 | tee "$log"
  set -e
  local line
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1 || true)
  if [ -z "$line" ]; then
    echo "test.sh: ctest in $dir printed no summary" >&2
    failed=$((failed + 1))
  else
    local total fails
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<< "$line")
    fails=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<< "$line")
    passed=$((passed + total - fails))
    failed=$((failed + fails))
  fi
  rm -f "$log"
}

echo "== build"
bash scripts/build.sh
echo "== tests"
run_ctest build -j 2

echo "== unit and golden tests under AddressSanitizer and UndefinedBehaviorSanitizer"
# Only what the unit and golden tests run: the proxy's own tests need the real ensemble and run above.
ZKWIRE_BUILD_DIR=build-asan \
  ZKWIRE_BUILD_TARGET="zkwire decoder_tests capture_tests inspector_tests config_tests reassembly_tests proxy_unit_tests" \
  bash scripts/build.sh -DZKWIRE_SANITIZE=ON -DZKWIRE_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan -j 2 -L "unit|golden"

if [ -x fuzz/run_fuzz.sh ]; then
  echo "== fuzzing the stream decoder for ${ZKWIRE_FUZZ_SECONDS:=90} s"
  if bash fuzz/run_fuzz.sh "$ZKWIRE_FUZZ_SECONDS"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
