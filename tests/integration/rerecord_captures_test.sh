#!/usr/bin/env bash
# Records every capture scenario afresh (real ensembles, real kazoo/Java/C/zkCli clients, random ports) and
# checks that zkwire decodes each one cleanly and that together they still cover every client opcode.
# Usage: rerecord_captures_test.sh ZKWIRE
set -euo pipefail
zkwire=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/zkwire-rerecord.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 777 "$out"   # tcpdump drops privileges before writing
RECORD_OUT_DIR=$out RECORD_BASE_PORT=random bash "$root/captures/record.sh"
status=0
for capture in "$out"/*.pcap "$out"/*.pcapng; do
  allowed=0
  [ "$(basename "$capture")" = four_letter_words.pcap ] && allowed=1
  python3 "$root/tests/golden/check_capture_is_clean.py" "$zkwire" "$capture" --allow-decode-errors $allowed || status=1
done
python3 "$root/tests/golden/check_opcode_coverage.py" "$zkwire" "$out"/*.pcap "$out"/*.pcapng || status=1
exit $status
