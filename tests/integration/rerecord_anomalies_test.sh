#!/usr/bin/env bash
# Triggers every production problem for real again (real ensembles and clients, random ports) and checks
# that the inspector reports exactly the anomalies captures/anomalies/expected_anomalies.txt lists.
# Usage: rerecord_anomalies_test.sh ZKWIRE
set -euo pipefail
zkwire=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/zkwire-anomalies.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 777 "$out"   # tcpdump drops privileges before writing
RECORD_OUT_DIR=$out RECORD_BASE_PORT=random bash "$root/captures/anomalies/record.sh"
python3 "$root/tests/golden/check_anomalies.py" "$zkwire" "$out" "$root/captures/anomalies/expected_anomalies.txt"
