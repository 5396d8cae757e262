#!/usr/bin/env bash
# `zkwire sniff` live on loopback against the fixture's real ensemble: a kazoo workload is decoded as it
# happens, and Ctrl-C (SIGINT) ends the capture with the summary on stderr.
# Usage: sniff_test.sh ZKWIRE ENSEMBLE_DIR
set -euo pipefail
zkwire=$1 ensemble=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC1091
. "$ensemble/ensemble.env"
export ZK_CONNECT
work=$(mktemp -d /tmp/zkwire-sniff.XXXXXX)
sniff_pid=""
trap '[ -n "$sniff_pid" ] && kill "$sniff_pid" 2>/dev/null; rm -rf "$work"' EXIT

ports=""
for n in $(seq 1 "$ZK_NODES"); do p="ZK_PORT_$n"; ports+="${ports:+,}${!p}"; done

/usr/bin/python3 "$root/tests/integration/clear_tree.py" "$ZK_CONNECT"   # the driver creates fixed paths
"$zkwire" sniff -i lo --port "$ports" --format jsonl -w "$work/live.jsonl" 2> "$work/stderr" &
sniff_pid=$!
for _ in $(seq 1 100); do grep -q "capturing on" "$work/stderr" && break; sleep 0.05; done
sleep 0.5   # the capture is set up just after the message
(cd "$root/captures/drivers" && /usr/bin/python3 kazoo_crud.py)
sleep 1
kill -INT "$sniff_pid"
wait "$sniff_pid"
sniff_pid=""

python3 - "$work/live.jsonl" "$work/stderr" <<'PY'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
stderr = open(sys.argv[2]).read()
kinds = {r["kind"] for r in records}
for kind in ("connection_open", "connect_request", "connect_response", "request", "reply", "event", "connection_close"):
    assert kind in kinds, f"no {kind} record decoded live (got {sorted(kinds)})"
assert not [r for r in records if r.get("unmatched") or r["kind"] == "decode_error"], "decode trouble live"
summary = json.loads(stderr[stderr.index("{"):])
assert summary["requests"]["create"] >= 5, summary["requests"]
assert summary["sessions"] >= 1
print(f"sniffed {len(records)} records live; summary: {summary['frames']} frames, {summary['sessions']} session(s)")
PY
