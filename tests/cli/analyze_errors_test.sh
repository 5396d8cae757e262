#!/usr/bin/env bash
# `zkwire analyze` on bad input: a clear message, nothing lost, and an exit status that is non-zero only
# when nothing at all could be read. Usage: analyze_errors_test.sh ZKWIRE
set -uo pipefail
zkwire=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/zkwire-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/cli/make_bad_captures.py" "$work"
failures=0

# expect NAME EXIT_STATUS STDERR_PATTERN STDOUT_PATTERN -- ARGS...
expect() {
  local name=$1 want_status=$2 err_pattern=$3 out_pattern=$4; shift 5
  "$zkwire" "$@" > "$work/out" 2> "$work/err"
  local status=$?
  local ok=1
  [ "$status" -eq "$want_status" ] || ok=0
  [ -z "$err_pattern" ] || grep -qE -- "$err_pattern" "$work/err" || ok=0
  [ -z "$out_pattern" ] || grep -qE -- "$out_pattern" "$work/out" || ok=0
  if [ $ok -eq 1 ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: exit $status (want $want_status); stderr: $(head -c 400 "$work/err"); stdout: $(head -c 300 "$work/out")"
    failures=$((failures + 1))
  fi
}

head -c 5000 "$root/captures/kazoo_crud.pcap" > "$work/truncated.pcap"
printf 'not a capture at all\n' > "$work/text.pcap"

expect "missing file" 1 "cannot open .*/nope.pcap" "" -- analyze "$work/nope.pcap"
expect "not a capture" 1 "text.pcap.*not a pcap" "" -- analyze "$work/text.pcap"
expect "truncated capture is decoded as far as it goes" 0 "truncated.pcap.*truncated after [0-9]+ packets" \
  "reply getACL" -- analyze "$work/truncated.pcap"
expect "unsupported link type" 1 "unsupported link type" "" -- analyze "$work/ieee80211.pcap"
expect "a stream that is not ZooKeeper" 0 "not one ZooKeeper frame" "not ZooKeeper traffic" \
  -- analyze "$work/http_on_2181.pcap"
expect "one bad file among good ones loses nothing" 0 "cannot open" "connect_request" \
  -- analyze "$work/nope.pcap" "$root/captures/pings_idle.pcap"
expect "unknown option" 2 "unknown option '--frobnicate'" "" -- analyze --frobnicate x.pcap
expect "bad port list" 2 "--port takes" "" -- analyze --port 99999 x.pcap
expect "no file" 2 "no capture file" "" -- analyze
expect "unknown command" 2 "unknown command" "" -- frobnicate
expect "help" 0 "" "usage: zkwire analyze" -- analyze --help

[ $failures -eq 0 ]
