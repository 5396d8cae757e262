#!/usr/bin/env bash
# Proxies A/B'd on one load: each round runs the load through every target in turn; ratios to the first, with 95% CIs.
#
# usage: bench/run_ab.sh [--rounds R] [--seconds S] [--sessions N] [--depth D] TARGET TARGET...
#   TARGET            haproxy (TCP mode, one thread), zkwire (this tree's Release build, as run_proxy_bench.sh runs
#                     it), floor (bench/floor_relay: a bare epoll relay, the least any relay costs), or
#                     NAME=COMMAND for anything else, with {L} and {U} standing for its listen and upstream ports,
#                     e.g. 'old=/tmp/old/cli/zkwire proxy --listen 127.0.0.1:{L} --upstream 127.0.0.1:{U}'
#   --rounds R        rounds (default 60); the order of the targets is reversed every other round
#   --seconds S       length of each run (default 3)
#   --sessions N, --depth D   the load: N sessions with D requests in flight each (default 8 x 16)
# env:   ZKWIRE_BENCH_BUILD_DIR   Release build directory (default: build-rel in the source tree)
#
# Every target relays to one bench/zk_responder. Each run's line: round, target, requests/s, the target's CPU per
# request in us (/proc/PID/stat), the machine's idle share (/proc/stat) and the target's blocks (voluntary context
# switches) per 1,000 requests. At the end, each target against the first: the geometric mean of the rounds' ratios
# and its 95% confidence interval (Student's t on their logarithms), for requests/s and CPU per request. A round of
# 3 s spreads by about ±9% here (docs/benchmarks.md), so 100 rounds resolve about ±1.7%.
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZKWIRE_BENCH_BUILD_DIR:-$source_dir/build-rel}"
rounds=60 seconds=3 sessions=8 depth=16 targets=()
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --sessions) sessions="$2"; shift ;;
    --depth) depth="$2"; shift ;;
    -*) usage ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -ge 2 ] || usage

# shellcheck source=bench/bench_lib.sh
. "$source_dir/bench/bench_lib.sh"
if printf '%s\n' "${targets[@]}" | grep -qx haproxy; then install_missing haproxy; fi
ZKWIRE_BUILD_DIR="$build_dir" ZKWIRE_BUILD_TARGET="zkwire zk_loadgen zk_responder floor_relay" \
  bash "$source_dir/scripts/build.sh" -DCMAKE_BUILD_TYPE=Release -DZKWIRE_BENCH=ON >/dev/null

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

upstream=$(free_ports 1)
"$build_dir/bench/zk_responder" --listen "127.0.0.1:$upstream" >"$work/responder.log" 2>&1 &
pids+=($!)
wait_port "$upstream" responder

# command_of TARGET LISTEN_PORT: the command line that starts TARGET.
command_of() {
  case "$1" in
    haproxy)
      write_haproxy_config "$work/haproxy-$2.cfg" "$2" "$upstream"
      echo "haproxy -db -f $work/haproxy-$2.cfg" ;;
    zkwire)
      echo "$build_dir/cli/zkwire proxy --listen 127.0.0.1:$2 --upstream 127.0.0.1:$upstream" \
        "--max-connections 10000 --connect-timeout-ms 5000" ;;
    floor) echo "$build_dir/bench/floor_relay $2 $upstream" ;;
    *=*) local command="${1#*=}"; command="${command//\{L\}/$2}"; echo "${command//\{U\}/$upstream}" ;;
    *) echo "run_ab: unknown target '$1'" >&2; exit 2 ;;
  esac
}

names=() ports=() target_pids=()
for target in "${targets[@]}"; do
  name="${target%%=*}" port=$(free_ports 1)
  if printf '%s\n' "${names[@]}" | grep -qxF "$name"; then echo "run_ab: two targets named '$name'" >&2; exit 2; fi
  command=$(command_of "$target" "$port")
  # shellcheck disable=SC2086  # the command line splits into words on purpose
  $command >"$work/$name.log" 2>&1 &
  pids+=($!) target_pids+=($!) names+=("$name") ports+=("$port")
  wait_port "$port" "$name"
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
echo "$rounds rounds of $seconds s, $sessions sessions x $depth in flight"
count=${#names[@]}
for round in $(seq "$rounds"); do
  for k in $(seq 0 $((count - 1))); do
    i=$((round % 2 ? k : count - 1 - k))
    line=$(measured_run "run_ab: ${names[$i]}" "${target_pids[$i]}" "$build_dir/bench/zk_loadgen" \
      --target "127.0.0.1:${ports[$i]}" --sessions "$sessions" --depth "$depth" --duration "$seconds") || exit 1
    read -r rps _ cpu idle blocks _ <<<"$line"
    echo "$round ${names[$i]} $rps $cpu $idle $blocks" | tee -a "$work/results"
  done
done

echo
echo "against ${names[0]}: geometric mean of the rounds' ratios (95% CI); medians of idle % and blocks per 1,000"
for name in "${names[@]}"; do
  awk -v base="${names[0]}" -v me="$name" "$geometric_interval_awk"'
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function interval(s, q, n,   g) {
      split(geometric_interval(s, q, n), g, " ")
      return sprintf("%s (%s-%s)", g[1], g[2], g[3])
    }
    $2 == base { rb[$1] = $3; cb[$1] = $4 }
    $2 == me { rm[$1] = $3; cm[$1] = $4; idle[++k] = $5; blk[k] = $6 }
    END {
      for (r in rm) {
        x = log(rm[r] / rb[r]); s += x; q += x * x
        y = log(cm[r] / cb[r]); s2 += y; q2 += y * y
        n++; up += rm[r] > rb[r]
      }
      printf "%-12s requests/s %s, above in %d of %d; CPU per request %s; idle %.1f%%; blocks %.2f\n", me,
        (n > 1 ? interval(s, q, n) : "-"), up, n, (n > 1 ? interval(s2, q2, n) : "-"), median(idle, k), median(blk, k)
    }' \
    "$work/results"
done
