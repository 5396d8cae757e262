#!/usr/bin/env bash
# Against the ensemble the CTest fixture started: kazoo and the Apache C client run their workloads while
# tcpdump records, then zkwire must decode every frame, match every reply and name every op.
# Usage: live_decode_test.sh ZKWIRE ENSEMBLE_DIR
set -euo pipefail
zkwire=$1 ensemble=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC1091
. "$ensemble/ensemble.env"
export ZK_CONNECT
work=$(mktemp -d /tmp/zkwire-live.XXXXXX)
chmod 777 "$work"
tcpdump_pid=""
cleanup() {
  [ -n "$tcpdump_pid" ] && kill -INT "$tcpdump_pid" 2>/dev/null && wait "$tcpdump_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ports="" filter="" ZK_CLIENT_PORTS=""
for n in $(seq 1 "$ZK_NODES"); do
  p="ZK_PORT_$n"
  ports+="${ports:+,}${!p}"
  filter+="${filter:+ or }tcp port ${!p}"
  ZK_CLIENT_PORTS+="${ZK_CLIENT_PORTS:+ }${!p}"
done
export ZK_CLIENT_PORTS  # the C client driver drops its own connection with `ss -K` to force a reconnect

/usr/bin/python3 "$root/tests/integration/clear_tree.py" "$ZK_CONNECT"   # the drivers create fixed paths
cc -O2 -o "$work/cclient_driver" "$root/captures/drivers/cclient_driver.c" -lzookeeper_mt
tcpdump -i lo -n -s 0 -U -B 65536 --immediate-mode -w "$work/live.pcap" "$filter" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/tcpdump.err" && break; sleep 0.05; done
sleep 0.3

(cd "$root/captures/drivers" && /usr/bin/python3 kazoo_crud.py && "$work/cclient_driver")

sleep 0.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=""

python3 "$root/tests/golden/check_capture_is_clean.py" "$zkwire" "$work/live.pcap"
# Decoding is told the server ports here, as a user would; every connection must say so.
"$zkwire" analyze --port "$ports" --format jsonl "$work/live.pcap" > "$work/live.jsonl"
python3 - "$work/live.jsonl" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
opens = [r for r in records if r["kind"] == "connection_open"]
assert opens and all("from port" in r["detail"] for r in opens), opens
ops = {r.get("op") for r in records if r["kind"] == "reply"}
for op in ("create", "create2", "getData", "setData", "multi", "auth", "getChildren2", "closeSession"):
    assert op in ops, f"no {op} reply decoded"
assert any(r["kind"] == "event" for r in records), "no watch notification decoded"
sessions = {r["session"] for r in records if r["kind"] == "connect_response"}
assert len(sessions) >= 2, sessions
print(f"live capture: {len(records)} records, {len(opens)} connections, sessions {sorted(sessions)}")
PY
