#!/usr/bin/env python3
"""The captures together must show every request a client can send, each answered by the real server, plus
notifications, pings, auth and four-letter words. Usage: check_opcode_coverage.py ZKWIRE CAPTURE..."""
import json
import subprocess
import sys

# Every client-sendable opcode of ZooKeeper 3.8/3.9 (deleteContainer, 20, is server-internal).
CLIENT_OPS = ["create", "delete", "exists", "getData", "setData", "getACL", "setACL", "getChildren", "sync",
              "ping", "getChildren2", "multi", "create2", "reconfig", "checkWatches", "removeWatches",
              "createContainer", "createTTL", "multiRead", "auth", "setWatches", "sasl", "getEphemerals",
              "getAllChildrenNumber", "setWatches2", "addWatch", "whoAmI", "closeSession"]

zkwire, captures = sys.argv[1], sys.argv[2:]
requests, replies, kinds = set(), set(), set()
for capture in captures:
    out = subprocess.run([zkwire, "analyze", "--format", "jsonl", capture], check=True, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        r = json.loads(line)
        kinds.add(r["kind"])
        if r["kind"] == "request":
            requests.add(r["op"])
            for op in r.get("ops", []):
                requests.add("multi:" + op["op"])
        elif r["kind"] == "reply" and "op" in r:
            replies.add(r["op"])
missing = [op for op in CLIENT_OPS if op not in requests]
unanswered = [op for op in CLIENT_OPS if op in requests and op not in replies]
missing_kinds = [k for k in ("connect_request", "connect_response", "event", "four_letter", "four_letter_reply")
                 if k not in kinds]
for what, items in (("never sent", missing), ("never answered", unanswered), ("record kinds never seen", missing_kinds)):
    if items:
        print(f"{what}: {', '.join(items)}", file=sys.stderr)
print(f"{len(requests)} request ops (multi sub-ops included), {len(replies)} reply ops across {len(captures)} captures")
sys.exit(1 if missing or unanswered or missing_kinds else 0)
