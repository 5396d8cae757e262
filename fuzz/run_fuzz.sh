#!/usr/bin/env bash
# Builds the fuzzers with clang, seeds them from captures/, fuzzes for a bounded time; non-zero on a crash.
#
# usage: fuzz/run_fuzz.sh [SECONDS]     (default 120; three quarters go to the connection fuzzer)
# env:   ZKWIRE_FUZZ_BUILD_DIR  build directory (default: build-fuzz next to the source tree)
#        ZKWIRE_FUZZ_JOBS       parallel compile jobs (default 2)
set -euo pipefail

seconds="${1:-120}"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZKWIRE_FUZZ_BUILD_DIR:-$source_dir/../build-fuzz}"
jobs="${ZKWIRE_FUZZ_JOBS:-2}"

# A build directory left by another checkout of the tree would make cmake refuse: start it afresh.
if [ -f "$build_dir/CMakeCache.txt" ] &&
   ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$source_dir" "$build_dir/CMakeCache.txt"; then
  rm -rf "$build_dir"
fi
cmake -S "$source_dir" -B "$build_dir" -G Ninja \
  -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DZKWIRE_FUZZ=ON -DZKWIRE_SANITIZE=ON -DZKWIRE_BENCH=OFF >/dev/null
ninja -C "$build_dir" -j "$jobs" connection_decoder_fuzz body_decoder_fuzz make_seed_corpus

# Seeds are made fresh from the captures each run; the corpus the fuzzers grow persists in the build dir.
seeds="$build_dir/fuzz-seeds"
corpus="$build_dir/fuzz-corpus"
artifacts="$build_dir/fuzz-artifacts"
rm -rf "$seeds"
mkdir -p "$seeds/connection" "$seeds/body" "$corpus/connection" "$corpus/body" "$artifacts"
shopt -s nullglob
"$build_dir/fuzz/make_seed_corpus" "$seeds/connection" "$seeds/body" \
  "$source_dir"/captures/*.pcap "$source_dir"/captures/*.pcapng

# Leak checking stays on (ASan's default); -timeout catches hangs, -rss_limit_mb runaway memory.
run() {
  local target="$1" time="$2"
  echo "== $target for ${time}s"
  local status=0
  "$build_dir/fuzz/$target" -max_total_time="$time" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$corpus/${target%%_*}" "$seeds/${target%%_*}" 2>"$build_dir/$target.log" || status=$?
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build_dir/$target.log" || true
  if [[ $status -ne 0 ]]; then
    grep -aE 'invariant broken|ERROR: |SUMMARY: ' "$build_dir/$target.log" | head -5 >&2
    local reproducer
    reproducer="$(grep -ao 'Test unit written to .*' "$build_dir/$target.log" | tail -1 | sed 's/Test unit written to //')"
    echo "FAILED: $target (log $build_dir/$target.log)" >&2
    echo "reproducer: ${reproducer:-none written}" >&2
    echo "replay:     $build_dir/fuzz/$target ${reproducer:-}" >&2
    return 1
  fi
}

connection_time=$(( seconds * 3 / 4 ))
body_time=$(( seconds - connection_time ))
failed=0
run connection_decoder_fuzz "$(( connection_time > 0 ? connection_time : 1 ))" || failed=1
run body_decoder_fuzz "$(( body_time > 0 ? body_time : 1 ))" || failed=1
exit "$failed"
