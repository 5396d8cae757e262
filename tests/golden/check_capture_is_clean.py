#!/usr/bin/env python3
"""Semantic check of one capture's decoded records, so a bad golden file cannot be regenerated unnoticed:
no decode errors, gaps or unmatched replies, and every request answered except where the protocol says
no answer comes. Usage: check_capture_is_clean.py ZKWIRE CAPTURE [--allow-decode-errors N]"""
import json
import subprocess
import sys

zkwire, capture = sys.argv[1], sys.argv[2]
allowed_errors = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--allow-decode-errors" else 0
out = subprocess.run([zkwire, "analyze", "--format", "jsonl", capture], check=True, capture_output=True, text=True)
records = [json.loads(line) for line in out.stdout.splitlines()]
problems = []
decode_errors = [r for r in records if r["kind"] in ("decode_error", "capture_gap", "stream_resync")]
if len(decode_errors) > allowed_errors:
    problems += [f"unexpected {r['kind']}: {r}" for r in decode_errors]
problems += [f"unmatched reply: {r}" for r in records if r.get("unmatched")]
problems += [f"reply out of order: {r}" for r in records if r.get("out_of_order")]
requests = sum(1 for r in records if r["kind"] == "request")
replies = sum(1 for r in records if r["kind"] == "reply")
unanswered = sum(r.get("pending", 0) for r in records if r["kind"] == "connection_close")
if requests != replies + unanswered:
    problems.append(f"{requests} requests but {replies} replies and {unanswered} left pending at close")
if not records:
    problems.append("no records at all")
for p in problems:
    print(p, file=sys.stderr)
print(f"{capture}: {len(records)} records, {requests} requests, {replies} replies, {unanswered} pending")
sys.exit(1 if problems else 0)
