#!/usr/bin/env bash
# (Re)records every capture in captures/anomalies/ from scratch: production problems on a real ZooKeeper
# 3.8.0 ensemble (scripts/zk-ensemble.sh) driven by real clients (captures/drivers/anomalies.py, kazoo 2.8;
# captures/drivers/AnomalyJava.java, the Java client; raw sockets only where no stock client can do it).
# Same pattern as captures/record.sh: for each scenario a fresh ensemble, an optional setup step that must not
# be captured, tcpdump on lo filtered to the client ports, the driver, tcpdump stopped cleanly, ensemble stopped.
#
#   bash captures/anomalies/record.sh              record all scenarios
#   bash captures/anomalies/record.sh NAME...      only these (e.g. session_moved ping_gap)
#   RECORD_OUT_DIR=DIR bash captures/anomalies/record.sh       write the captures to DIR instead
#   RECORD_BASE_PORT=random bash captures/anomalies/record.sh  random ports (default: 2181.. when free)
#
# Needs root (tcpdump on lo, `ss -K`, signals to the server JVMs), Debian's zookeeper, python3-kazoo, a JDK and
# tcpdump (scripts/setup.sh). Traffic never leaves 127.0.0.1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(dirname "$HERE")
ROOT=$(dirname "$CAPTURES")
ENS="$ROOT/scripts/zk-ensemble.sh"
DRIVERS="$CAPTURES/drivers"
PY=/usr/bin/python3
BASE_PORT="${RECORD_BASE_PORT:-2181}"
OUT="${RECORD_OUT_DIR:-$HERE}"
ZK_CP=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar

# name:nodes:setup-step (setup runs after the ensemble is up and before tcpdump starts; "-" for none)
SCENARIOS=(
  session_moved:3:prepare_3nodes
  session_expired:1:-
  ping_gap:1:-
  server_killed:3:prepare_3nodes
  read_only:3:prepare_read_only
  auth_failed:1:-
  wrong_password:1:-
  stale_reconnect:3:prepare_3nodes
  reconnect_storm:1:-
  unsafe_check:1:-
  large_frames:1:-
  watch_storm:1:-
  clean_crud:1:-
)

[ "$(id -u)" -eq 0 ] || { echo "record.sh: needs root (tcpdump, ss -K)" >&2; exit 1; }
for t in java javac tcpdump ss; do
  command -v "$t" >/dev/null || { echo "record.sh: $t missing (run scripts/setup.sh)" >&2; exit 1; }
done
mkdir -p "$OUT"

WORK=$(mktemp -d /tmp/zkwire-anomalies.XXXXXX)
TCPDUMP_PID=""
CURRENT_ENS=""

log() { echo "record: $*" >&2; }

cleanup() {
  local rc=$?
  stop_tcpdump || true
  [ -n "$CURRENT_ENS" ] && "$ENS" stop "$CURRENT_ENS" || true
  if [ $rc -ne 0 ]; then
    rm -rf "$WORK/classes"
    log "FAILED (rc $rc); partial captures and ensemble logs left in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT INT TERM

build_java() {
  [ -e "$WORK/classes/AnomalyJava.class" ] && return 0
  log "compiling drivers/AnomalyJava.java"
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" -cp "$ZK_CP" "$DRIVERS/AnomalyJava.java"
}

# start_ensemble NAME NODES: exports ZK_CONNECT, ZK_CLIENT_PORTS, ZK_DIR; sets FILTER.
start_ensemble() {
  local name="$1" nodes="$2"
  local dir="$WORK/ens-$name" base=()
  [ "$BASE_PORT" = random ] || base=(--base-port "$BASE_PORT")
  CURRENT_ENS="$dir"
  if ! "$ENS" start "$dir" --nodes "$nodes" "${base[@]}" >/dev/null; then
    [ ${#base[@]} -eq 0 ] && return 1
    log "fixed ports from $BASE_PORT not available; using random ports"
    rm -rf "$dir"
    "$ENS" start "$dir" --nodes "$nodes" >/dev/null
  fi
  # shellcheck disable=SC1091
  . "$dir/ensemble.env"
  ZK_CLIENT_PORTS=""
  FILTER=""
  local n p
  for n in $(seq 1 "$ZK_NODES"); do
    p="ZK_PORT_$n"
    ZK_CLIENT_PORTS+="${ZK_CLIENT_PORTS:+ }${!p}"
    FILTER+="${FILTER:+ or }tcp port ${!p}"
  done
  export ZK_CONNECT ZK_CLIENT_PORTS ZK_DIR
}

stop_ensemble() {
  [ -n "$CURRENT_ENS" ] && "$ENS" stop "$CURRENT_ENS"
  CURRENT_ENS=""
}

# start_tcpdump FILE: returns once tcpdump is really capturing (flags as in captures/record.sh).
start_tcpdump() {
  local file="$1" i
  : >"$WORK/tcpdump.err"
  tcpdump -i lo -n -s 0 -U -B 65536 --immediate-mode -w "$file" "$FILTER" 2>"$WORK/tcpdump.err" &
  TCPDUMP_PID=$!
  for i in $(seq 1 100); do
    grep -q "listening on" "$WORK/tcpdump.err" && break
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$WORK/tcpdump.err" >&2; return 1; }
    sleep 0.05
  done
  sleep 0.3
}

stop_tcpdump() {
  [ -n "$TCPDUMP_PID" ] || return 0
  local i
  sleep 0.5   # let the last FIN/ACKs land
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  grep -E "packets (captured|dropped)" "$WORK/tcpdump.err" | tr '\n' ' ' >&2 || true
  echo >&2
  if grep -qE "^[1-9][0-9]* packets dropped by kernel" "$WORK/tcpdump.err"; then
    log "tcpdump dropped packets"; TCPDUMP_PID=""; return 1
  fi
  TCPDUMP_PID=""
}

publish() { # publish SRC DESTNAME
  mv -f "$1" "$OUT/$2"
  chown --reference="$OUT" "$OUT/$2"   # tcpdump drops to its own user when writing
  chmod 644 "$OUT/$2"
  log "wrote $OUT/$2 ($(stat -c %s "$OUT/$2") bytes)"
}

driver() { (cd "$DRIVERS" && "$PY" anomalies.py "$@"); }

# record NAME NODES SETUP
record() {
  local name="$1" nodes="$2" setup="$3"
  log "== $name ($nodes node(s))"
  start_ensemble "$name" "$nodes"
  [ "$setup" = - ] || driver "$setup"
  start_tcpdump "$WORK/$name.pcap"
  driver "$name"
  stop_tcpdump
  stop_ensemble
  publish "$WORK/$name.pcap" "$name.pcap"
}

export ZK_ENSEMBLE_SH="$ENS" JAVA_CP="$WORK/classes:$ZK_CP"
want=("$@")
declare -A NODES SETUP
ALL=()
for s in "${SCENARIOS[@]}"; do
  IFS=: read -r name nodes setup <<<"$s"
  NODES[$name]=$nodes; SETUP[$name]=$setup; ALL+=("$name")
done
[ ${#want[@]} -gt 0 ] || want=("${ALL[@]}")
for s in "${want[@]}"; do
  [ -n "${NODES[$s]:-}" ] || { echo "record.sh: unknown scenario $s (known: ${ALL[*]})" >&2; exit 2; }
done
for s in "${want[@]}"; do
  [ "$s" = server_killed ] && build_java
  record "$s" "${NODES[$s]}" "${SETUP[$s]}"
done
log "done: $(cd "$OUT" && du -ch "${want[@]/%/.pcap}" | tail -1 | cut -f1) in $OUT"
