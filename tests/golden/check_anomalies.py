#!/usr/bin/env python3
"""The anomalies each real scenario capture must raise (and the clean one must not), as listed in
captures/anomalies/expected_anomalies.txt: lines `<capture> <anomaly_id> <min_count> [note]` or `<capture> none`.
An id not listed for a capture may still appear only if the line `<capture> allow <anomaly_id>` says so.
Usage: check_anomalies.py ZKWIRE CAPTURE_DIR EXPECTED_FILE [CAPTURE_NAME...]"""
import collections
import json
import subprocess
import sys

zkwire, capture_dir, expected_file = sys.argv[1:4]
only = set(sys.argv[4:])
expected = collections.defaultdict(dict)
allowed = collections.defaultdict(set)
for line in open(expected_file):
    line = line.split("#")[0].strip()
    if not line:
        continue
    fields = line.split()
    capture = fields[0]
    if fields[1] == "none":
        expected[capture] = {}
    elif fields[1] == "allow":
        allowed[capture].add(fields[2])
    else:
        expected[capture][fields[1]] = int(fields[2])

problems = []
for capture, wanted in sorted(expected.items()):
    if only and capture not in only:
        continue
    out = subprocess.run([zkwire, "analyze", "--format", "jsonl", "--anomalies-only", f"{capture_dir}/{capture}"],
                         check=True, capture_output=True, text=True)
    seen = collections.Counter(json.loads(l)["anomaly"] for l in out.stdout.splitlines())
    for anomaly, minimum in wanted.items():
        if seen[anomaly] < minimum:
            problems.append(f"{capture}: expected {anomaly} at least {minimum} time(s), saw {seen[anomaly]}")
    for anomaly, n in seen.items():
        if anomaly not in wanted and anomaly not in allowed[capture]:
            problems.append(f"{capture}: unexpected {anomaly} ({n} time(s))")
    print(f"{capture}: {dict(seen) or 'no anomalies'}")
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
