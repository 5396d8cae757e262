#!/usr/bin/env bash
# Starts and stops a real ZooKeeper ensemble (Debian's zookeeper 3.8.0 package) on loopback, one process
# session per node. Meant for CTest fixtures (FIXTURES_SETUP / FIXTURES_CLEANUP) and captures/record.sh.
#
#   zk-ensemble.sh start   DIR [--nodes 1|3|5] [--extra-jvm-flag FLAG]... [--extra-config KEY=VALUE]...
#                                                   [--base-port B]
#                                                   prints the connect string; ports are free ones picked
#                                                   at random unless --base-port B: node i (1-based) then
#                                                   gets client B+i-1, quorum B+10+i-1, election B+20+i-1
#   zk-ensemble.sh stop    DIR [--keep]                                      idempotent, never hangs
#   zk-ensemble.sh kill    DIR N [--signal SIG]                              stop one node (default SIGKILL)
#   zk-ensemble.sh restart DIR N                                             (re)start one node, wait for it
#   zk-ensemble.sh status  DIR                                               `srvr` Mode of every node
#
# start writes DIR/ensemble.env (shell-sourceable): ZK_DIR, ZK_NODES, ZK_CONNECT, and per node i
# ZK_PORT_i (client), ZK_QUORUM_PORT_i, ZK_ELECTION_PORT_i, ZK_PID_i. Node i lives in DIR/node<i>/ with
# zoo.cfg, data/myid, zk.log, pid and run.sh (the exact command line, reused by restart).
# Environment: ZK_TICK_TIME (default 2000), ZK_START_TIMEOUT (seconds, default 60), ZK_JAVA (default java).
set -euo pipefail

PY=/usr/bin/python3
CLASSPATH_ZK=/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar
# zookeeper.jar's manifest Class-Path brings in jute, netty, slf4j-api, metrics, commons-*, jackson, jetty.

die() { echo "zk-ensemble: $*" >&2; exit 1; }
log() { echo "zk-ensemble: $*" >&2; }

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# srvr_mode PORT -> prints the Mode value ("standalone", "leader", ...) or nothing; never blocks > 2 s.
srvr_mode() {
  "$PY" - "$1" <<'EOF' 2>/dev/null || true
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    s.sendall(b"srvr")
    buf = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    for line in buf.decode(errors="replace").splitlines():
        if line.startswith("Mode:"):
            print(line.split(":", 1)[1].strip())
except Exception:
    pass
EOF
}

# node_pid DIR N -> the pid of node N if that process is alive and really is this node's java; else nothing.
node_pid() {
  local f="$1/node$2/pid" pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [ -r "/proc/$pid/cmdline" ] || return 0
  # Guard against a recycled pid: the cmdline must name this node's zoo.cfg.
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$1/node$2/zoo.cfg" || return 0
  echo "$pid"
}

# stop_node DIR N SIGNAL: signal, then SIGKILL after 5 s; waits until the process is gone (max ~7 s).
stop_node() {
  local dir="$1" n="$2" sig="${3:-TERM}" pid i
  pid=$(node_pid "$dir" "$n")
  [ -n "$pid" ] || { rm -f "$dir/node$n/pid"; return 0; }
  kill -s "$sig" "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    [ -e "/proc/$pid" ] || break
    # A zombie whose parent is gone counts as dead for us.
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
    sleep 0.1
  done
  if [ -e "/proc/$pid" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$dir/node$n/pid"
}

nodes_of() { # DIR -> node numbers present
  local d
  for d in "$1"/node*; do [ -d "$d" ] && echo "${d##*/node}"; done | sort -n
}

# launch_node DIR N: starts node N in its own session via its run.sh; records the pid.
launch_node() {
  local dir="$1" n="$2" i
  rm -f "$dir/node$n/pid"
  setsid bash "$dir/node$n/run.sh" </dev/null >>"$dir/node$n/zk.log" 2>&1 &
  for i in $(seq 1 50); do [ -s "$dir/node$n/pid" ] && break; sleep 0.1; done
  [ -s "$dir/node$n/pid" ] || die "node $n did not start (see $dir/node$n/zk.log)"
}

write_env() {
  local dir="$1" n
  # shellcheck disable=SC1091
  . "$dir/ports.env"
  {
    echo "ZK_DIR=$dir"
    echo "ZK_NODES=$ZK_NODES"
    echo "ZK_CONNECT=$ZK_CONNECT"
    for n in $(seq 1 "$ZK_NODES"); do
      local cp="ZK_PORT_$n" qp="ZK_QUORUM_PORT_$n" ep="ZK_ELECTION_PORT_$n"
      echo "ZK_PORT_$n=${!cp}"
      echo "ZK_QUORUM_PORT_$n=${!qp}"
      echo "ZK_ELECTION_PORT_$n=${!ep}"
      echo "ZK_PID_$n=$(node_pid "$dir" "$n")"
    done
  } >"$dir/ensemble.env.tmp"
  mv "$dir/ensemble.env.tmp" "$dir/ensemble.env"
}

# wait_ready DIR N... : waits until every listed node answers srvr with a Mode line.
wait_ready() {
  local dir="$1"; shift
  local timeout="${ZK_START_TIMEOUT:-60}" start now n pending mode port
  . "$dir/ports.env"
  start=$(date +%s)
  while :; do
    pending=()
    for n in "$@"; do
      port="ZK_PORT_$n"
      mode=$(srvr_mode "${!port}")
      if [ -z "$mode" ]; then
        pending+=("$n")
        [ -n "$(node_pid "$dir" "$n")" ] || { log "node $n exited"; timeout=0; }
      fi
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    now=$(date +%s)
    if [ $((now - start)) -ge "$timeout" ]; then
      log "nodes not ready after ${timeout}s: ${pending[*]}"
      for n in "$@"; do
        echo "----- $dir/node$n/zk.log (tail) -----" >&2
        tail -n 30 "$dir/node$n/zk.log" >&2 || true
      done
      return 1
    fi
    sleep 0.2
  done
}

cmd_start() {
  local dir="" nodes=1 extra=() base="" extra_config=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes="$2"; shift 2 ;;
      --nodes=*) nodes="${1#*=}"; shift ;;
      --extra-jvm-flag) extra+=("$2"); shift 2 ;;
      --extra-jvm-flag=*) extra+=("${1#*=}"); shift ;;
      --extra-config) extra_config+=("$2"); shift 2 ;;
      --base-port) base="$2"; shift 2 ;;
      --base-port=*) base="${1#*=}"; shift ;;
      -*) die "unknown option $1" ;;
      *) [ -z "$dir" ] || die "extra argument $1"; dir="$1"; shift ;;
    esac
  done
  [ -n "$dir" ] || usage
  [[ "$nodes" =~ ^[0-9]+$ ]] && [ "$nodes" -ge 1 ] && [ "$nodes" -le 9 ] || die "--nodes must be 1..9"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -z "$(ls -A "$dir")" ] || { [ -e "$dir/ensemble.env" ] && die "$dir already holds an ensemble (stop it first)"; }
  local tick="${ZK_TICK_TIME:-2000}"

  # Pick 3 ports per node by binding port 0 on 127.0.0.1, all sockets held open at once so they differ.
  local ports
  # With --base-port the fixed ports are checked the same way (bind fails if one is taken).
  ports=$("$PY" - "$nodes" "$base" <<'EOF'
import socket, sys
nodes, base = int(sys.argv[1]), sys.argv[2]
wanted = [0] * (nodes * 3)
if base:
    b = int(base)
    wanted = [p for i in range(nodes) for p in (b + i, b + 10 + i, b + 20 + i)]
socks = []
for p in wanted:
    s = socket.socket()
    if p:  # like the server's own listener: a port whose old connections sit in TIME_WAIT is usable
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
    except OSError as e:
        sys.exit("port %d: %s" % (p, e))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
) || die 'ports not available'
  [ -n "$ports" ] || die "could not get free ports"
  read -r -a p <<<"$ports"
  local n connect="" servers=""
  {
    echo "ZK_NODES=$nodes"
    for n in $(seq 1 "$nodes"); do
      echo "ZK_PORT_$n=${p[$(((n - 1) * 3))]}"
      echo "ZK_QUORUM_PORT_$n=${p[$(((n - 1) * 3 + 1))]}"
      echo "ZK_ELECTION_PORT_$n=${p[$(((n - 1) * 3 + 2))]}"
      connect+="${connect:+,}127.0.0.1:${p[$(((n - 1) * 3))]}"
      servers+="server.$n=127.0.0.1:${p[$(((n - 1) * 3 + 1))]}:${p[$(((n - 1) * 3 + 2))]}:participant;127.0.0.1:${p[$(((n - 1) * 3))]}"$'\n'
    done
    echo "ZK_CONNECT=$connect"
  } >"$dir/ports.env"

  local jvm=(-Xmx256m -XX:+UseSerialGC -Dzookeeper.extendedTypesEnabled=true -Dreadonlymode.enabled=true
             "${extra[@]}")
  for n in $(seq 1 "$nodes"); do
    local nd="$dir/node$n"
    mkdir -p "$nd/data"
    echo "$n" >"$nd/data/myid"
    {
      echo "tickTime=$tick"
      echo "initLimit=10"
      echo "syncLimit=5"
      echo "dataDir=$nd/data"
      echo "clientPort=${p[$(((n - 1) * 3))]}"
      echo "clientPortAddress=127.0.0.1"
      echo "4lw.commands.whitelist=*"
      echo "admin.enableServer=false"
      echo "maxClientCnxns=0"
      echo "localSessionsEnabled=true"
      # Without this a quorum answers an ephemeral create on a (default, local) session with -120
      # EPHEMERALONLOCALSESSION; with it the session is upgraded to a global one on its first ephemeral.
      echo "localSessionsUpgradingEnabled=true"
      echo "autopurge.purgeInterval=0"
      # No fsync per transaction: tests and the demo need no durability against power loss (a killed server still
      # finds its log in the page cache), and on a shared disk under a parallel test run one fsync stalled a server
      # past a client's 10 s read timeout (proxy.crud's direct side, 2026-11-23).
      echo "forceSync=no"
      for line in "${extra_config[@]}"; do echo "$line"; done
      if [ "$nodes" -gt 1 ]; then
        echo "standaloneEnabled=false"
        printf '%s' "$servers"
      fi
    } >"$nd/zoo.cfg"
    {
      echo '#!/usr/bin/env bash'
      echo "cd $(printf '%q' "$nd")"
      echo 'echo $$ > pid'
      printf 'exec %q' "${ZK_JAVA:-java}"
      printf ' %q' "${jvm[@]}" -cp "$CLASSPATH_ZK" org.apache.zookeeper.server.quorum.QuorumPeerMain "$nd/zoo.cfg"
      echo
    } >"$nd/run.sh"
    : >"$nd/zk.log"
  done
  for n in $(seq 1 "$nodes"); do launch_node "$dir" "$n"; done
  if ! wait_ready "$dir" $(seq 1 "$nodes"); then
    for n in $(seq 1 "$nodes"); do stop_node "$dir" "$n" KILL; done
    rm -f "$dir/ensemble.env"
    die "start failed; logs kept in $dir"
  fi
  write_env "$dir"
  log "$nodes node(s) ready in $dir"
  echo "$connect"
}

cmd_stop() {
  local dir="" keep=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --keep) keep=1; shift ;;
      -*) die "unknown option $1" ;;
      *) dir="$1"; shift ;;
    esac
  done
  [ -n "$dir" ] || usage
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  local n
  # Signal all first so the nodes shut down in parallel, then reap each.
  for n in $(nodes_of "$dir"); do
    local pid; pid=$(node_pid "$dir" "$n")
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  for n in $(nodes_of "$dir"); do stop_node "$dir" "$n" TERM; done
  if [ "$keep" -eq 1 ]; then
    rm -f "$dir/ensemble.env"
  else
    rm -rf "$dir"
  fi
}

cmd_kill() {
  local dir="${1:-}" n="${2:-}" sig=KILL
  [ -n "$dir" ] && [ -n "$n" ] || usage
  shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      --signal) sig="$2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  dir=$(cd "$dir" && pwd)
  [ -d "$dir/node$n" ] || die "no node $n in $dir"
  stop_node "$dir" "$n" "$sig"
  [ -e "$dir/ensemble.env" ] && write_env "$dir"
  return 0
}

cmd_restart() {
  local dir="${1:-}" n="${2:-}"
  [ -n "$dir" ] && [ -n "$n" ] || usage
  dir=$(cd "$dir" && pwd)
  [ -d "$dir/node$n" ] || die "no node $n in $dir"
  stop_node "$dir" "$n" TERM
  launch_node "$dir" "$n"
  wait_ready "$dir" "$n" || die "node $n did not come back"
  write_env "$dir"
}

cmd_status() {
  local dir="${1:-}" n port
  [ -n "$dir" ] && [ -e "$dir/ports.env" ] || die "no ensemble in ${dir:-?}"
  . "$dir/ports.env"
  for n in $(nodes_of "$dir"); do
    port="ZK_PORT_$n"
    echo "node $n port ${!port} pid $(node_pid "$(cd "$dir" && pwd)" "$n") mode $(srvr_mode "${!port}")"
  done
}

[ $# -ge 1 ] || usage
sub="$1"; shift
case "$sub" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  kill) cmd_kill "$@" ;;
  restart) cmd_restart "$@" ;;
  status) cmd_status "$@" ;;
  -h|--help|help) usage ;;
  *) die "unknown command $sub" ;;
esac
