# Shared by captures/record.sh and captures/anomalies/record.sh (sourced, not run): a real ensemble per
# scenario, tcpdump on loopback around the driver, and publishing the capture. The caller sets ENS (the
# zk-ensemble.sh path), BASE_PORT, OUT and WORK, and calls `trap recording_cleanup EXIT INT TERM`.

TCPDUMP_PID=""
CURRENT_ENS=""

log() { echo "record: $*" >&2; }

# On failure the partial captures and ensemble logs stay in $WORK for a look; on success it all goes.
recording_cleanup() {
  local rc=$?
  stop_tcpdump || true
  [ -n "$CURRENT_ENS" ] && "$ENS" stop "$CURRENT_ENS" || true
  if [ $rc -ne 0 ]; then
    log "FAILED (rc $rc); partial captures and ensemble logs left in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}

# start_ensemble NAME NODES [zk-ensemble options...]: exports ZK_CONNECT, ZK_CLIENT_PORTS, ZK_DIR; sets FILTER.
# Fixed ports from BASE_PORT make the captures look like a default deployment; random ones when taken.
start_ensemble() {
  local name="$1" nodes="$2"; shift 2
  local dir="$WORK/ens-$name" base=()
  [ "$BASE_PORT" = random ] || base=(--base-port "$BASE_PORT")
  CURRENT_ENS="$dir"
  if ! "$ENS" start "$dir" --nodes "$nodes" "${base[@]}" "$@" >/dev/null; then
    [ ${#base[@]} -eq 0 ] && return 1
    log "fixed ports from $BASE_PORT not available; using random ports"
    rm -rf "$dir"
    "$ENS" start "$dir" --nodes "$nodes" "$@" >/dev/null
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

# start_tcpdump FILE [IFACE]: returns once tcpdump is really capturing. Without --immediate-mode the last
# packets are lost when tcpdump stops; without a larger -B bursts of large values drop packets.
start_tcpdump() {
  local file="$1" iface="${2:-lo}" i
  : >"$WORK/tcpdump.err"
  tcpdump -i "$iface" -n -s 0 -U -B 65536 --immediate-mode -w "$file" "$FILTER" 2>"$WORK/tcpdump.err" &
  TCPDUMP_PID=$!
  for i in $(seq 1 100); do
    grep -q "listening on" "$WORK/tcpdump.err" && break
    kill -0 "$TCPDUMP_PID" 2>/dev/null || { cat "$WORK/tcpdump.err" >&2; return 1; }
    sleep 0.05
  done
  sleep 0.3   # the BPF filter is attached before the message, but give the ring a moment
}

# stop_tcpdump: SIGINT, then wait for it to flush and exit (SIGKILL after 10 s); a capture that dropped
# packets is a failed recording.
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
  TCPDUMP_PID=""
  if grep -qE "^[1-9][0-9]* packets dropped by kernel" "$WORK/tcpdump.err"; then
    log "tcpdump dropped packets"
    return 1
  fi
}

publish() { # publish SRC DESTNAME
  mv -f "$1" "$OUT/$2"
  chown --reference="$OUT" "$OUT/$2"   # tcpdump drops to its own user when writing
  chmod 644 "$OUT/$2"
  log "wrote $OUT/$2 ($(stat -c %s "$OUT/$2") bytes)"
}
