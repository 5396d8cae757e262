#!/usr/bin/env bash
# The proxy benchmark: one load generator run direct, through haproxy (TCP mode, one thread) and through zkwire, side by side.
#
# usage: bench/run_proxy_bench.sh [--callgrind] [--no-zk] [--rounds R] [--seconds S] [--sessions N] [--depth D]
#                                 [--idle-sessions K] [--throughput-only] [--pin] [--proxy-cpu PCT]
#   --callgrind       also count user-space instructions per request of haproxy and zkwire under
#                     valgrind --tool=callgrind (a run of M requests and one of 2M; the difference / M). Slow.
#   --no-zk           skip the second table, against a real 1-node ZooKeeper (scripts/zk-ensemble.sh)
#   --rounds R        rounds of each measurement, interleaved direct/haproxy/zkwire; medians are printed, and each
#                     zkwire/haproxy ratio round by round, with a 95% confidence interval from 6 rounds on (default 3)
#   --seconds S       length of each throughput run (default 5); ping-pong runs last 1 s, 5 per round
#   --sessions N, --depth D   the deep-pipeline throughput runs: N sessions with D requests in flight each
#                     (default 8 x 16); a second throughput run has many shallow sessions, M x 1 in flight
#   --shallow-sessions M     (default 64)
#   --idle-sessions K idle sessions opened through each proxy for the memory figure (default 8000)
#   --throughput-only only the responder table's throughput runs (no ping-pong, memory, callgrind or real-ZooKeeper
#                     table): many rounds in little time, for a ratio whose spread over rounds is small enough to read
#   --pin             the proxy on the last CPU, the load generator and the responder on the others (taskset): the
#                     proxy then has a core of its own, so a throughput is the proxy's, not how the scheduler shared
#                     the cores among three busy processes (the direct runs get one core fewer)
#   --proxy-cpu PCT   each proxy of the responder table in a CPU cgroup of its own, limited to PCT% of one core
#                     (CFS quota over 10 ms periods; needs root and a cgroup v1 or v2 cpu controller): the proxy is
#                     then the bottleneck, so its requests/s are its own throughput at that CPU budget, whatever the
#                     load generator and responder cost. The share of periods in which each proxy ran out of its
#                     quota is printed: near 100% means the proxy was the limit, as intended
# env:   ZKWIRE_BENCH_BUILD_DIR   Release build directory (default: build-rel in the source tree)
#
# The load generator (bench/zk_loadgen) speaks raw frames on one epoll loop; bench/zk_responder is a minimal fast
# ZooKeeper (templated replies) so the proxies' own cost shows, not the Java server's. zkwire runs with full decoding
# and session inspection and its metrics; its traffic log is off (no --log-traffic). Both proxies set TCP_NODELAY on
# both sockets (haproxy does by default). Proxy CPU is utime+stime from /proc/PID/stat over a run, / requests. Each
# throughput line also gives the machine's idle share over the runs (/proc/stat) and how often the proxy blocked
# (voluntary context switches) and was preempted (involuntary ones), per 1,000 requests (/proc/PID/status).
# Memory per idle session is a fresh proxy's RSS growth while K sessions are open and idle, / K; the K sessions must
# then each answer a ping through the proxy; a second cycle of K sessions opened and closed shows what closed sessions
# leave behind. The three targets take turns in all six orders. Every process started here is stopped on exit.
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${ZKWIRE_BENCH_BUILD_DIR:-$source_dir/build-rel}"
callgrind=0 with_zk=1 throughput_only=0 pin=0 proxy_cpu=""
rounds=3 seconds=5 sessions=8 depth=16 shallow_sessions=64 idle_sessions=8000
while [ $# -gt 0 ]; do
  case "$1" in
    --callgrind) callgrind=1 ;;
    --no-zk) with_zk=0 ;;
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --sessions) sessions="$2"; shift ;;
    --depth) depth="$2"; shift ;;
    --shallow-sessions) shallow_sessions="$2"; shift ;;
    --idle-sessions) idle_sessions="$2"; shift ;;
    --throughput-only) throughput_only=1 ;;
    --pin) pin=1 ;;
    --proxy-cpu) proxy_cpu="$2"; shift ;;
    *) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/bench_lib.sh
. "$source_dir/bench/bench_lib.sh"
install_missing haproxy
pin_proxy=() pin_peers=()
if [ "$pin" -eq 1 ]; then
  last_cpu=$(($(nproc) - 1))
  [ "$last_cpu" -ge 1 ] || { echo "run_proxy_bench: --pin needs at least 2 CPUs" >&2; exit 2; }
  pin_proxy=(taskset -c "$last_cpu") pin_peers=(taskset -c "0-$((last_cpu - 1))")
fi
[ "$callgrind" -eq 1 ] && install_missing valgrind
# The cgroup filesystem --proxy-cpu uses: v2 (one hierarchy, cpu.max) or v1 (the cpu controller's own hierarchy).
cgroup_kind="" cgroup_base=""
if [ -n "$proxy_cpu" ]; then
  [[ "$proxy_cpu" =~ ^[0-9]+$ ]] && [ "$proxy_cpu" -ge 1 ] && [ "$proxy_cpu" -le 100 ] ||
    { echo "run_proxy_bench: --proxy-cpu takes a percentage of one core, 1 to 100" >&2; exit 2; }
  if grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null && [ -w /sys/fs/cgroup/cgroup.subtree_control ]; then
    cgroup_kind=v2 cgroup_base=/sys/fs/cgroup
    grep -qw cpu "$cgroup_base/cgroup.subtree_control" || echo +cpu >"$cgroup_base/cgroup.subtree_control"
  elif [ -w /sys/fs/cgroup/cpu/cgroup.procs ]; then
    cgroup_kind=v1 cgroup_base=/sys/fs/cgroup/cpu
  else
    echo "run_proxy_bench: --proxy-cpu needs a writable cgroup cpu controller (cgroup v2 or v1) and root" >&2
    exit 2
  fi
fi

ZKWIRE_BUILD_DIR="$build_dir" ZKWIRE_BUILD_TARGET="zkwire zk_loadgen zk_responder" \
  bash "$source_dir/scripts/build.sh" -DCMAKE_BUILD_TYPE=Release -DZKWIRE_BENCH=ON >/dev/null
zkwire="$build_dir/cli/zkwire"
loadgen="$build_dir/bench/zk_loadgen"
responder="$build_dir/bench/zk_responder"

# 8,000 sessions through a proxy are 16,000 of its descriptors.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((2 * idle_sessions + 100)) ] ||
  { echo "run_proxy_bench: the open-file limit $(ulimit -n) is too low for $idle_sessions sessions" >&2; exit 1; }

work="$(mktemp -d /tmp/zkwire-proxy-bench.XXXXXX)"
pids="$work/pids"  # every process started here, one pid a line (a file: subshells start processes too)
cgroups="$work/cgroups"  # every cgroup made here, one path a line
zk_dir=""
cleanup() {
  local pid started=()
  [ -f "$pids" ] && mapfile -t started <"$pids"
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$zk_dir" ] && bash "$source_dir/scripts/zk-ensemble.sh" stop "$zk_dir" >/dev/null 2>&1 || true
  if [ -f "$cgroups" ]; then
    local group
    while read -r group; do rmdir "$group" 2>/dev/null || true; done <"$cgroups"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: runs it in the background (output in $work/NAME.log); its pid in $last_pid.
start() {
  local name="$1"
  shift
  "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!
  echo "$last_pid" >>"$pids"
}

# forget PID: it has exited; cleanup must not signal whatever reuses the number.
forget() { sed -i "/^$1\$/d" "$pids"; }

# stop_pid PID: SIGTERM, then wait for it (the proxies drain and exit).
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget "$1"
}

# haproxy as write_haproxy_config sets it up (bench_lib.sh).
start_haproxy() {  # NAME LISTEN_PORT UPSTREAM_PORT
  write_haproxy_config "$work/$1.cfg" "$2" "$3"
  start "$1" "${pin_proxy[@]}" ${wrap:-} haproxy -db -f "$work/$1.cfg"
  wait_port "$2" "$1"
}

# zkwire with full decoding, session inspection and metrics; no traffic log. Its connect timeout is haproxy's
# (5 s): ZooKeeper listens with a backlog of 50, so a burst of connects loses SYNs, and the kernel resends one only
# after 1 s, which zkwire's default 1 s timeout would count as a failed server.
start_zkwire() {  # NAME LISTEN_PORT UPSTREAM_PORT
  start "$1" "${pin_proxy[@]}" ${wrap:-} "$zkwire" proxy --listen "127.0.0.1:$2" --upstream "127.0.0.1:$3" \
    --max-connections 10000 --connect-timeout-ms 5000
  wait_port "$2" "$1"
}

# limit_cpu NAME PID: PID into a cgroup of its own holding it to $proxy_cpu% of one core; the group's path in $group.
limit_cpu() {
  group="$cgroup_base/zkwire-bench-$$-$1"
  mkdir "$group"
  echo "$group" >>"$cgroups"
  if [ "$cgroup_kind" = v2 ]; then
    echo "$((proxy_cpu * 100)) 10000" >"$group/cpu.max"
  else
    echo 10000 >"$group/cpu.cfs_period_us"
    echo $((proxy_cpu * 100)) >"$group/cpu.cfs_quota_us"
  fi
  echo "$2" >"$group/cgroup.procs"
}

# throttled_share GROUP: the share of its CPU periods in which GROUP used up its quota, as "NN%".
throttled_share() {
  awk '$1 == "nr_periods" { p = $2 } $1 == "nr_throttled" { t = $2 } END { printf "%.0f%%", p ? 100 * t / p : 0 }' \
    "$1/cpu.stat"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# load NAME PORT PROXY_PID LOADGEN_ARGS...: one load generator run; appends measured_run's line (bench_lib.sh) to
# $work/NAME.results. A refused run stops the benchmark.
load() {
  local name="$1" port="$2" pid="$3" line
  shift 3
  line=$(measured_run "run_proxy_bench: $name" "$pid" "${pin_peers[@]}" "$loadgen" --target "127.0.0.1:$port" "$@") ||
    exit 1
  echo "$line" >>"$work/$name.results"
}

# median NAME COLUMN: the median of one column of NAME's results.
median() {
  awk -v c="$2" '{ print $c }' "$work/$1.results" | sort -g |
    awk '{ v[NR] = $1 } END { if (v[1] == "-") print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# idle_memory NAME PROXY_PID PORT: sets $memory to the bytes of RSS per idle session, $pinged to the number of
# sessions that then answered a ping through the proxy, and $kept to the bytes of RSS each closed session leaves.
idle_memory() {
  local before after
  before=$(rss_kb "$2")
  : >"$work/$1.idle"
  "$loadgen" --target "127.0.0.1:$3" --idle "$idle_sessions" --hold 3 >"$work/$1.idle" &
  local gen=$!
  echo "$gen" >>"$pids"
  for _ in $(seq 600); do grep -q "idle ready" "$work/$1.idle" && break; kill -0 "$gen" 2>/dev/null || break; sleep 0.1; done
  sleep 1
  after=$(rss_kb "$2")
  local status=0
  wait "$gen" || status=$?
  forget "$gen"
  if [ "$status" -ne 0 ]; then
    echo "run_proxy_bench: $1: $idle_sessions idle sessions failed: $(tail -1 "$work/$1.idle")" >&2
    exit 1
  fi
  tail -1 "$work/$1.idle" >>"$work/runs.log"
  memory=$(((after - before) * 1024 / idle_sessions))
  pinged=$(field pinged "$(tail -1 "$work/$1.idle")")
  # What closed sessions leave behind: the growth over a second cycle of K sessions opened and closed (the first
  # cycle's freed memory is there to be reused).
  local closed again
  sleep 0.5
  closed=$(rss_kb "$2")
  if ! "$loadgen" --target "127.0.0.1:$3" --idle "$idle_sessions" --hold 0 >>"$work/runs.log"; then
    echo "run_proxy_bench: $1: the second cycle of $idle_sessions sessions failed" >&2
    exit 1
  fi
  sleep 0.5
  again=$(rss_kb "$2")
  kept=$(((again - closed) * 1024 / idle_sessions))
}

# callgrind_instructions NAME KIND UPSTREAM_PORT REQUESTS DEPTH: sets $instructions to the user-space instructions
# of a proxy (KIND haproxy or zkwire) under callgrind over a whole run of REQUESTS requests ($sessions x DEPTH).
callgrind_instructions() {
  local port
  port=$(free_ports 1)
  wrap="valgrind --tool=callgrind --callgrind-out-file=$work/$1.callgrind"
  "start_$2" "$1" "$port" "$3"
  wrap=""
  local pid=$last_pid out
  if ! out=$("$loadgen" --target "127.0.0.1:$port" --sessions "$sessions" --depth "$5" --requests "$4"); then
    echo "run_proxy_bench: $1 under callgrind: $out" >&2
    exit 1
  fi
  # haproxy stops on SIGUSR1 once its connections are gone; zkwire drains on SIGTERM.
  if [ "$2" = haproxy ]; then kill -USR1 "$pid"; else kill -TERM "$pid"; fi
  wait "$pid" 2>/dev/null || true
  forget "$pid"
  instructions=$(awk '/^totals:|^summary:/ { print $2; exit }' "$work/$1.callgrind")
}

# The machine's load says how much to trust a run: on a shared 2-core machine other jobs move throughputs a lot.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load_average) ($(nproc) CPUs)"

# ---- the responder table ----
read -r p_resp p_ha p_zw <<<"$(free_ports 3)"
start responder "${pin_peers[@]}" "$responder" --listen "127.0.0.1:$p_resp"
wait_port "$p_resp" responder
start_haproxy haproxy "$p_ha" "$p_resp"; ha_pid=$last_pid
start_zkwire zkwire "$p_zw" "$p_resp"; zw_pid=$last_pid
if [ -n "$proxy_cpu" ]; then
  limit_cpu haproxy "$ha_pid"; ha_group=$group
  limit_cpu zkwire "$zw_pid"; zw_group=$group
fi

# order_index ROUND I: which target runs I-th in ROUND. The rounds go through all six orders of the three targets, so
# that over six rounds each target runs right after each other one equally often (a plain rotation put zkwire right
# after haproxy in two rounds of three).
order_index() {
  local k=$(($1 - 1))
  local rotation=$(((k / 2) % 3))
  if ((k % 2)); then echo $(((rotation + 3 - $2) % 3)); else echo $(((rotation + $2) % 3)); fi
}

# measure PREFIX PORT_DIRECT HA_PID HA_PORT ZW_PID ZW_PORT: every load on the three targets, in a different order
# from one round to the next (order_index).
measure() {
  local targets=("direct $2 -" "haproxy $4 $3" "zkwire $6 $5") r i name port pid
  local deep=(--sessions "$sessions" --depth "$depth" --duration "$seconds")
  local shallow=(--sessions "$shallow_sessions" --depth 1 --duration "$seconds")
  for r in $(seq "$rounds"); do
    for i in 0 1 2; do
      read -r name port pid <<<"${targets[$(order_index "$r" "$i")]}"
      load "$1.deep.$name" "$port" "$pid" "${deep[@]}"
    done
    for i in 0 1 2; do
      read -r name port pid <<<"${targets[$(order_index "$r" "$i")]}"
      load "$1.shallow.$name" "$port" "$pid" "${shallow[@]}"
    done
  done
  [ "$throughput_only" -eq 1 ] && return 0
  # Ping-pong latency moves with the other jobs on the machine: many short runs, finely interleaved.
  for r in $(seq $((rounds * 5))); do
    for i in 0 1 2; do
      read -r name port pid <<<"${targets[$(order_index "$r" "$i")]}"
      load "$1.pp.$name" "$port" "$pid" --sessions 1 --depth 1 --duration 1
    done
  done
}

# per_round NAME_A NAME_B COLUMN: B's result over A's in each round (they ran next to each other), as
# "median (min-max, B above A in k of n)". A ratio of medians hides how much single rounds disagree; this shows it.
# From 6 rounds on, also the geometric mean of the ratios with its 95% confidence interval (Student's t on their
# logarithms): with many short rounds, the one figure here that says whether a difference of a few % is real.
per_round() {
  paste -d' ' <(awk -v c="$3" '{ print $c }' "$work/$1.results") <(awk -v c="$3" '{ print $c }' "$work/$2.results") |
    awk '{ print $2 / $1 }' | sort -g |
    awk "$geometric_interval_awk"' { v[NR] = $1; above += $1 > 1; sum += log($1); squares += log($1) ^ 2 } END {
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f (%.2f-%.2f, above 1 in %d of %d)", m, v[1], v[NR], above, NR
      if (NR < 6) exit
      split(geometric_interval(sum, squares, NR), g, " ")
      printf "; geometric mean %.3f, 95%% CI %.3f-%.3f", g[1], g[2], g[3] }'
}

# print_table TITLE PREFIX [LINE...]: medians of the runs, then the extra lines.
print_table() {
  local p="$2" load
  echo
  echo "$1"
  printf '%-44s %12s %12s %12s %10s %10s\n' "" direct haproxy zkwire zk/direct zk/haproxy
  for load in deep shallow; do
    awk -v name="$([ $load = deep ] && echo "$sessions sessions x $depth in flight" || echo "$shallow_sessions sessions x 1 in flight")" \
      -v td="$(median "$p.$load.direct" 1)" -v th="$(median "$p.$load.haproxy" 1)" -v tz="$(median "$p.$load.zkwire" 1)" \
      -v ch="$(median "$p.$load.haproxy" 3)" -v cz="$(median "$p.$load.zkwire" 3)" \
      -v id="$(median "$p.$load.direct" 4)" -v ih="$(median "$p.$load.haproxy" 4)" -v iz="$(median "$p.$load.zkwire" 4)" \
      -v bh="$(median "$p.$load.haproxy" 5)" -v ph="$(median "$p.$load.haproxy" 6)" \
      -v bz="$(median "$p.$load.zkwire" 5)" -v pz="$(median "$p.$load.zkwire" 6)" 'BEGIN {
      f = "%-44s %12s %12s %12s %10s %10s\n"
      printf f, name ": requests/s", sprintf("%.0f", td), sprintf("%.0f", th), sprintf("%.0f", tz), sprintf("%.2f", tz / td), sprintf("%.2f", tz / th)
      printf f, "  haproxy/direct", "", sprintf("%.2f", th / td), "", "", ""
      printf f, "  proxy CPU per request (us)", "-", sprintf("%.3f", ch), sprintf("%.3f", cz), "", sprintf("%.2f", cz / ch)
      printf f, "  machine idle during the runs (%)", sprintf("%.1f", id), sprintf("%.1f", ih), sprintf("%.1f", iz), "", ""
      printf f, "  proxy blocked / preempted per 1,000 requests", "-", sprintf("%.1f / %.1f", bh, ph),
        sprintf("%.1f / %.1f", bz, pz), "", ""
    }'
    echo "  zk/haproxy round by round: requests/s $(per_round "$p.$load.haproxy" "$p.$load.zkwire" 1)"
    echo "                              CPU per request $(per_round "$p.$load.haproxy" "$p.$load.zkwire" 3)"
  done
  if [ "$throughput_only" -eq 0 ]; then
    awk -v ld="$(median "$p.pp.direct" 2)" -v lh="$(median "$p.pp.haproxy" 2)" -v lz="$(median "$p.pp.zkwire" 2)" 'BEGIN {
      f = "%-44s %12s %12s %12s %10s %10s\n"
      printf f, "ping-pong (1 session x 1) p50 (us)", ld, lh, lz, sprintf("%.2f", lz / ld), sprintf("%.2f", lz / lh)
      printf f, "  p50 added by the proxy (us)", "-", sprintf("%.1f", lh - ld), sprintf("%.1f", lz - ld), "", (lh - ld > 0 ? sprintf("%.2f", (lz - ld) / (lh - ld)) : "-")
    }'
  fi
  shift 2
  local line
  for line in "$@"; do echo "$line"; done
}

measure resp "$p_resp" "$ha_pid" "$p_ha" "$zw_pid" "$p_zw"
stop_pid "$ha_pid"
stop_pid "$zw_pid"

if [ -n "$proxy_cpu" ]; then
  throttled_line="$(printf '%-44s %12s %12s %12s' "  periods it used up its quota in (all its runs)" - \
    "$(throttled_share "$ha_group")" "$(throttled_share "$zw_group")")"
  cpu_budget=" (each proxy held to ${proxy_cpu}% of one core)"
fi
if [ "$throughput_only" -eq 1 ]; then
  print_table "Against bench/zk_responder${cpu_budget:-}; medians of $rounds throughput runs of ${seconds} s" resp \
    ${throttled_line:+"$throttled_line"}
  echo
  echo "load average after: $(load_average)"
  exit 0
fi

# Memory per idle session, each proxy fresh; then every session pings through it.
read -r p_ha2 p_zw2 <<<"$(free_ports 2)"
start_haproxy haproxy-idle "$p_ha2" "$p_resp"
idle_memory haproxy-idle "$last_pid" "$p_ha2"
mem_ha=$memory pinged_ha=$pinged kept_ha=$kept
stop_pid "$last_pid"
start_zkwire zkwire-idle "$p_zw2" "$p_resp"
idle_memory zkwire-idle "$last_pid" "$p_zw2"
mem_zw=$memory pinged_zw=$pinged kept_zw=$kept
stop_pid "$last_pid"
memory_lines=(
  "$(printf '%-44s %12s %12s %12s %10s %10s' "memory per idle session (bytes of RSS)" - "$mem_ha" "$mem_zw" "" \
    "$(awk -v a="$mem_zw" -v b="$mem_ha" 'BEGIN { printf "%.2f", a / b }')")"
  "$(printf '%-44s %12s %12s %12s' "$idle_sessions idle sessions, each pinged" - "$pinged_ha ok" "$pinged_zw ok")"
  "$(printf '%-44s %12s %12s %12s' "memory kept per closed session (bytes)" - "$kept_ha" "$kept_zw")"
)

print_table "Against bench/zk_responder (the proxies' own cost)${cpu_budget:-}; medians of $rounds throughput runs of \
${seconds} s and $((rounds * 5)) ping-pong runs of 1 s" resp ${throttled_line:+"$throttled_line"} "${memory_lines[@]}"

if [ "$callgrind" -eq 1 ]; then
  # Once with the deep pipelines (a read carries many frames: haproxy's per-read cost is shared, zkwire still decodes
  # every frame) and once with one request in flight per session (every request is its own reads and writes).
  for cg_depth in "$depth" 1; do
    m=$([ "$cg_depth" -eq 1 ] && echo 10000 || echo 20000)
    for kind in haproxy zkwire; do
      callgrind_instructions "cg-$kind-$cg_depth-1" "$kind" "$p_resp" "$m" "$cg_depth"
      i1=$instructions
      callgrind_instructions "cg-$kind-$cg_depth-2" "$kind" "$p_resp" $((2 * m)) "$cg_depth"
      eval "ipr_$kind=$(((instructions - i1) / m))"
    done
    printf '%-44s %12s %12s %12s %10s %10s\n' "user-space instructions/request ($sessions x $cg_depth)" - \
      "$ipr_haproxy" "$ipr_zkwire" "" "$(awk -v a="$ipr_zkwire" -v b="$ipr_haproxy" 'BEGIN { printf "%.2f", a / b }')"
  done
fi

# ---- the real ZooKeeper table ----
if [ "$with_zk" -eq 1 ]; then
  zk_dir="$work/zk"
  bash "$source_dir/scripts/zk-ensemble.sh" start "$zk_dir" --nodes 1 >/dev/null
  # shellcheck disable=SC1091
  . "$zk_dir/ensemble.env"
  read -r p_ha3 p_zw3 <<<"$(free_ports 2)"
  start_haproxy haproxy-zk "$p_ha3" "$ZK_PORT_1"; ha3=$last_pid
  start_zkwire zkwire-zk "$p_zw3" "$ZK_PORT_1"; zw3=$last_pid
  measure zk "$ZK_PORT_1" "$ha3" "$p_ha3" "$zw3" "$p_zw3"
  print_table "Against a real 1-node ZooKeeper 3.8 (Java; the server is the limit on this machine); same runs" zk
fi
echo
echo "load average after: $(load_average)"
echo "Each load generator run (every one checked: no error, no missing reply):"
sed 's/^/  /' "$work/runs.log"
