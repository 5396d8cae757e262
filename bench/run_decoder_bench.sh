#!/usr/bin/env bash
# Builds decoder_bench in Release and runs it; extra arguments go to Google Benchmark.
#
# usage: bench/run_decoder_bench.sh [--benchmark_filter=...] [--benchmark_repetitions=N] ...
# env:   ZKWIRE_BENCH_BUILD_DIR  build directory (default: build-bench next to the source tree)
#        ZKWIRE_BENCH_JOBS       parallel compile jobs (default 2)
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZKWIRE_BENCH_BUILD_DIR:-$source_dir/../build-bench}"
jobs="${ZKWIRE_BENCH_JOBS:-2}"

cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZKWIRE_BENCH=ON >/dev/null
ninja -C "$build_dir" -j "$jobs" decoder_bench

# Figures on a loaded machine are noise: say what the load was.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"
# items_per_second is frames/s; bytes_per_second is wire bytes in.
exec "$build_dir/bench/decoder_bench" --benchmark_min_time=1 --benchmark_counters_tabular=true "$@"
