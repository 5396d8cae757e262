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
# shellcheck source=captures/recording.sh
. "$CAPTURES/recording.sh"
trap recording_cleanup EXIT INT TERM

build_java() {
  [ -e "$WORK/classes/AnomalyJava.class" ] && return 0
  log "compiling drivers/AnomalyJava.java"
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" -cp "$ZK_CP" "$DRIVERS/AnomalyJava.java"
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
