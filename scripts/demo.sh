#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install what is missing, build, start a real 3-node ZooKeeper
# ensemble, put the zkwire proxy in front of it, run a real kazoo workload through it, kill a server and
# restart it, freeze a client as a GC pause would, and show the decoded stream, the anomalies and /metrics live.
# Ctrl-C stops it all.
# Usage: demo.sh [SECONDS] (default 45)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
bash scripts/setup.sh
ZKWIRE_BUILD_TARGET=zkwire bash scripts/build.sh >/dev/null
zkwire=build/cli/zkwire
work=$(mktemp -d /tmp/zkwire-demo.XXXXXX)
proxy_pid="" workload_pid="" frozen_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$workload_pid" ] && kill "$workload_pid" 2>/dev/null || true
  [ -n "$frozen_pid" ] && kill -CONT "$frozen_pid" 2>/dev/null && kill "$frozen_pid" 2>/dev/null || true
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  bash scripts/zk-ensemble.sh stop "$work/ensemble" >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "== demo stopped; everything it started is gone"
}
trap cleanup EXIT INT TERM
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== starting a 3-node ZooKeeper ensemble (Debian's zookeeper package)"
bash scripts/zk-ensemble.sh start "$work/ensemble" --nodes 3 >/dev/null
# shellcheck disable=SC1091
. "$work/ensemble/ensemble.env"
listen=127.0.0.1:$(free_port) admin=127.0.0.1:$(free_port)
echo "== zkwire proxy on $listen -> $ZK_CONNECT; metrics on http://$admin/metrics"
"$zkwire" proxy --listen "$listen" --upstream "$ZK_CONNECT" --admin "$admin" \
  --log-traffic - --log-format text &
proxy_pid=$!
sleep 0.5

echo "== kazoo workload through the proxy for ${seconds}s (4 sessions: registrations, watched config, jobs)"
/usr/bin/python3 scripts/demo_workload.py "$listen" "$seconds" &
workload_pid=$!
# A fourth session in a process of its own, to be frozen later the way a long GC pause or a stalled host freezes one.
/usr/bin/python3 scripts/demo_workload.py "$listen" "$seconds" 1 3 &
frozen_pid=$!

sleep $((seconds / 3))
victim=$(curl -s "http://$admin/metrics" | awk -F'"' '/^zkwire_upstream_connections/ {print $2, $NF}' |
         sort -k2 -n -r | head -1 | cut -d' ' -f1)
victim_node=1
for n in $(seq 1 "$ZK_NODES"); do p="ZK_PORT_$n"; [ "127.0.0.1:${!p}" = "$victim" ] && victim_node=$n; done
echo "== killing ZooKeeper node $victim_node ($victim) with SIGKILL: watch the clients reconnect through the proxy"
bash scripts/zk-ensemble.sh kill "$work/ensemble" "$victim_node" >/dev/null
sleep $((seconds / 3))
echo "== restarting node $victim_node"
bash scripts/zk-ensemble.sh restart "$work/ensemble" "$victim_node" >/dev/null || true
sleep 2
# 5 s of silence from a session with a 6 s timeout: past the 4 s its client's own ping schedule allows (ping_gap),
# short of expiry. The proxy flags it live, from the silence alone.
echo "== freezing one client for 5 s with SIGSTOP, as a GC pause would: watch for ping_gap"
kill -STOP "$frozen_pid"
sleep 5
kill -CONT "$frozen_pid"
echo "== client resumed"

wait "$workload_pid" || true
wait "$frozen_pid" || true
workload_pid="" frozen_pid=""
echo "== /metrics (excerpt)"
curl -s "http://$admin/metrics" | grep -E '^zkwire_(connections|sessions|requests_total|anomalies_total|upstream_up|upstream_mode)' |
  grep -v ' 0$' | head -40
