#!/usr/bin/env bash
# (Re)records every capture in captures/ from scratch: for each scenario it starts a real ZooKeeper
# ensemble (scripts/zk-ensemble.sh), starts tcpdump on loopback filtered to the ensemble's client ports,
# runs the scenario's driver (captures/drivers/), stops tcpdump cleanly and stops the ensemble.
#
#   bash captures/record.sh              record all scenarios
#   bash captures/record.sh NAME...      record only these (e.g. kazoo_crud cclient)
#   RECORD_OUT_DIR=DIR bash captures/record.sh   write the captures to DIR instead (the tests do this)
#
# Needs root (tcpdump on lo, `ss -K`), Debian's zookeeper, python3-kazoo, libzookeeper-mt-dev, a JDK,
# tcpdump and tshark (scripts/setup.sh). Traffic never leaves 127.0.0.1.
# Servers listen on fixed ports (2181, 2182, 2183) when they are free, so the captures look like a
# default deployment; otherwise random free ports are used (set RECORD_BASE_PORT=random to force that).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
ENS="$ROOT/scripts/zk-ensemble.sh"
DRIVERS="$HERE/drivers"
PY=/usr/bin/python3
BASE_PORT="${RECORD_BASE_PORT:-2181}"
OUT="${RECORD_OUT_DIR:-$HERE}"
ZK_CP=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar

ALL=(kazoo_crud java_extended cclient zkcli four_letter_words large_value pings_idle any_interface
     session_events sasl_digest)

[ "$(id -u)" -eq 0 ] || { echo "record.sh: needs root (tcpdump, ss -K)" >&2; exit 1; }
for t in java javac cc tcpdump tshark ss; do
  command -v "$t" >/dev/null || { echo "record.sh: $t missing (run scripts/setup.sh)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/zkwire-record.XXXXXX)
# shellcheck source=captures/recording.sh
. "$HERE/recording.sh"
trap recording_cleanup EXIT INT TERM

build_java() {
  [ -e "$WORK/classes/JavaDriver.class" ] && return 0
  log "compiling drivers/JavaDriver.java"
  mkdir -p "$WORK/classes"
  javac -nowarn -d "$WORK/classes" -cp "$ZK_CP" "$DRIVERS/JavaDriver.java"
}

build_c() {
  [ -e "$WORK/cclient_driver" ] && return 0
  log "compiling drivers/cclient_driver.c"
  cc -O2 -Wall -o "$WORK/cclient_driver" "$DRIVERS/cclient_driver.c" -lzookeeper_mt
}

# record NAME NODES IFACE COMMAND...: one capture, written to $WORK/NAME.pcap.
record() {
  local name="$1" nodes="$2" iface="$3"; shift 3
  log "== $name ($nodes node(s), -i $iface)"
  start_ensemble "$name" "$nodes" "${ENS_EXTRA[@]}"
  start_tcpdump "$WORK/$name.pcap" "$iface"
  (cd "$DRIVERS" && "$@")
  stop_tcpdump
  stop_ensemble
}

java_driver() { java -Xmx128m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
                  -cp "$WORK/classes:$ZK_CP" JavaDriver "$@"; }

scenario_kazoo_crud()        { record kazoo_crud 1 lo "$PY" kazoo_crud.py; publish "$WORK/kazoo_crud.pcap" kazoo_crud.pcap; }
scenario_java_extended()     { build_java; record java_extended 3 lo java_driver extended; publish "$WORK/java_extended.pcap" java_extended.pcap; }
scenario_cclient()           { build_c; record cclient 1 lo "$WORK/cclient_driver"; publish "$WORK/cclient.pcap" cclient.pcap; }
scenario_zkcli()             { record zkcli 1 lo bash zkcli.sh; publish "$WORK/zkcli.pcap" zkcli.pcap; }
scenario_four_letter_words() { record four_letter_words 1 lo "$PY" four_letter_words.py; publish "$WORK/four_letter_words.pcap" four_letter_words.pcap; }
scenario_large_value()       { record large_value 1 lo "$PY" large_value.py; publish "$WORK/large_value.pcap" large_value.pcap; }
scenario_pings_idle()        { record pings_idle 1 lo "$PY" pings_idle.py; publish "$WORK/pings_idle.pcap" pings_idle.pcap; }
scenario_any_interface()     { record any_interface 1 any "$PY" any_interface.py; publish "$WORK/any_interface.pcap" any_interface.pcap; }
scenario_session_events() {
  record session_events 1 lo "$PY" session_events.py
  # (tshark warns about running as root on every call; keep its stderr out of the way unless it fails)
  tshark -F pcapng -r "$WORK/session_events.pcap" -w "$WORK/session_events.pcapng" 2>"$WORK/tshark.err" ||
    { cat "$WORK/tshark.err" >&2; return 1; }
  rm -f "$WORK/session_events.pcap"
  publish "$WORK/session_events.pcapng" session_events.pcapng
}
scenario_sasl_digest() {
  # Server-side SASL DIGEST-MD5 (JAAS "Server" section) so the Java client really sends op 102.
  cat >"$WORK/server_jaas.conf" <<'EOF'
Server {
  org.apache.zookeeper.server.auth.DigestLoginModule required user_bob="bobsecret";
};
EOF
  cat >"$WORK/client_jaas.conf" <<'EOF'
Client {
  org.apache.zookeeper.server.auth.DigestLoginModule required username="bob" password="bobsecret";
};
EOF
  ENS_EXTRA=(--extra-jvm-flag "-Djava.security.auth.login.config=$WORK/server_jaas.conf"
             --extra-jvm-flag "-Dzookeeper.authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider")
  build_java
  JAVA_JAAS="$WORK/client_jaas.conf" record sasl_digest 1 lo java_driver_sasl
  ENS_EXTRA=()
  publish "$WORK/sasl_digest.pcap" sasl_digest.pcap
}
java_driver_sasl() { java -Xmx128m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
                       "-Djava.security.auth.login.config=$JAVA_JAAS" \
                       -cp "$WORK/classes:$ZK_CP" JavaDriver sasl; }

ENS_EXTRA=()
want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${ALL[@]}")
for s in "${want[@]}"; do
  declare -F "scenario_$s" >/dev/null || { echo "record.sh: unknown scenario $s (known: ${ALL[*]})" >&2; exit 2; }
done
for s in "${want[@]}"; do "scenario_$s"; done
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
