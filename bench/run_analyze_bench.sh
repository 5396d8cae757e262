#!/usr/bin/env bash
# End-to-end throughput of `zkwire analyze` on a large generated capture, side by side with tshark in the same run.
#
# usage: bench/run_analyze_bench.sh [SIZE_GB]      (default 1; fractions work: 0.05 is a 50 MB slice)
# env:   ZKWIRE_PERF_BUILD_DIR   Release build directory (default: build-perf next to the source tree)
#        ZKWIRE_BIG_CAPTURE      the capture to use or create (default: in the build directory, per size)
#        ZKWIRE_BENCH_JOBS       parallel compile jobs (default 2)
#        ZKWIRE_BENCH_RUNS       which runs, of "summary jsonl text tshark" (default all four; summary always runs)
#        ZKWIRE_BENCH_BASELINE   another zkwire binary (say, the previous commit's Release build): its summary and jsonl
#                                runs go right after this build's, and the table gives this build's speed over its
#
# The capture is many time- and address-shifted copies of the real sessions in captures/ (bench/make_big_capture).
# Throughput is the capture file's size over wall time; zkwire runs on one thread, so wall time is one core's work.
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZKWIRE_PERF_BUILD_DIR:-$source_dir/../build-perf}"
jobs="${ZKWIRE_BENCH_JOBS:-2}"
size_gb="${1:-1}"
# GiB, so "1" is at least a gigabyte whichever way it is counted.
size_mb=$(awk -v g="$size_gb" 'BEGIN { printf "%d", g * 1073.741824 + 0.999 }')
capture="${ZKWIRE_BIG_CAPTURE:-$build_dir/big_capture_${size_mb}mb.pcap}"

[ -x /usr/bin/time ] || { echo "run_analyze_bench: /usr/bin/time is missing (bash scripts/setup.sh installs it)" >&2; exit 1; }

cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build_dir" -j "$jobs" zkwire make_big_capture >/dev/null
zkwire="$build_dir/cli/zkwire"

if [ ! -s "$capture" ]; then
  # A realistic mix: every recorded client in each round, the 1.8 MB large_value session in one round of 32.
  (cd "$source_dir/captures" && "$build_dir/bench/make_big_capture" --out "$capture" --size-mb "$size_mb" \
    kazoo_crud.pcap cclient.pcap java_extended.pcap pings_idle.pcap zkcli.pcap sasl_digest.pcap large_value.pcap@32)
fi
file_bytes=$(stat -c %s "$capture")
cat "$capture" >/dev/null  # every run reads from the page cache, the first one too

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# timed NAME COMMAND...: runs it under /usr/bin/time -v; stdout goes to $work/NAME.out.
timed() {
  local name="$1"
  shift
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out"
}
# field NAME: wall seconds, user seconds, system seconds, max RSS in MB, from the /usr/bin/time -v report.
field() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0; for (i = 1; i <= n; ++i) wall = wall * 60 + p[i] }
    /User time/ { user = $2 }
    /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%.2f %.2f %.2f %.1f\n", wall, user, sys, rss }' "$work/$1.time"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)  capture: $capture ($((file_bytes / 1000000)) MB)"
runs=" ${ZKWIRE_BENCH_RUNS:-summary jsonl text tshark} "
wanted() { [[ "$runs" == *" $1 "* ]]; }
# The summary gives the packet and record counts, so it always runs.
baseline="${ZKWIRE_BENCH_BASELINE:-}"
timed summary "$zkwire" analyze --format summary "$capture"
if [ -n "$baseline" ]; then timed base_summary "$baseline" analyze --format summary "$capture"; fi
if wanted jsonl; then
  timed jsonl "$zkwire" analyze --format jsonl -w /dev/null "$capture"
  if [ -n "$baseline" ]; then timed base_jsonl "$baseline" analyze --format jsonl -w /dev/null "$capture"; fi
fi
if wanted text; then timed text "$zkwire" analyze --format text -w /dev/null "$capture"; fi
# tshark's warning about running as root is not a result.
if wanted tshark; then timed tshark tshark -r "$capture" -q -z conv,tcp 2>/dev/null; fi

# Packets and records (anomalies included) come from the summary: the same count jsonl writes lines for.
read -r packets records < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["source"]["packets"], sum(d["records"].values()))' "$work/summary.out")
echo "packets: $packets  records: $records  sessions: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"])' "$work/summary.out")"

tshark_wall=""
[ -f "$work/tshark.time" ] && tshark_wall=$(field tshark | cut -d' ' -f1)
printf '%-13s %8s %8s %7s %9s %9s %10s %10s %10s %12s\n' \
  run wall_s user_s sys_s maxrss_MB MB/s Mpackets/s Mrecords/s vs_tshark vs_baseline
for run in summary base_summary jsonl base_jsonl text tshark; do
  [ -f "$work/$run.time" ] || continue
  read -r wall user sys rss < <(field "$run")
  base_wall=""
  [ -f "$work/base_$run.time" ] && base_wall=$(field "base_$run" | cut -d' ' -f1)
  awk -v run="$run" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v bytes="$file_bytes" \
      -v packets="$packets" -v records="$records" -v tw="$tshark_wall" -v bw="$base_wall" 'BEGIN {
    if (wall <= 0) wall = 0.01
    ratio = tw == "" ? "-" : sprintf("%.1fx", tw / wall)
    speedup = bw == "" ? "-" : sprintf("%.2fx", bw / wall)
    recs = run == "tshark" ? "-" : sprintf("%.2f", records / wall / 1e6)
    printf "%-13s %8.2f %8.2f %7.2f %9.1f %9.0f %10.2f %10s %10s %12s\n", run, wall, user, sys, rss, bytes / wall / 1e6,
           packets / wall / 1e6, recs, ratio, speedup }'
done
echo "(vs_tshark: tshark's wall time over this run's; vs_baseline: the baseline's wall time over this run's; targets: summary >= 500 MB/s and >= 3 Mpackets/s, jsonl >= 1 Mrecords/s, max RSS < 64 MB)"
