# Helpers the proxy benchmark scripts share (sourced): packages, ports, haproxy's config, one measured load run.
# The scripts that source it keep their files in $work, each process's output in $work/NAME.log.
# shellcheck shell=bash disable=SC2154  # $work is set by the script that sources this file

# install_missing PACKAGE...: apt-get installs those not installed yet.
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bench: installing ${missing[*]}" >&2
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
}

# free_ports N: N distinct free loopback ports.
free_ports() {
  /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# wait_port PORT NAME: until something accepts on 127.0.0.1:PORT (60 s at most: valgrind starts slowly on a busy
# machine); NAME's log is shown if nothing does.
wait_port() {
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on port $1 ($2); its log:" >&2
  tail -5 "$work/$2.log" >&2
  exit 1
}

# write_haproxy_config FILE LISTEN_PORT UPSTREAM_PORT: haproxy in TCP mode, one thread, default socket options (it
# sets TCP_NODELAY itself), no logging.
write_haproxy_config() {
  cat >"$1" <<EOF
global
  nbthread 1
  maxconn 9500
defaults
  mode tcp
  maxconn 9500
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend bench
  bind 127.0.0.1:$2
  default_backend upstream
backend upstream
  server zk 127.0.0.1:$3
EOF
}

# cpu_ticks PID: its user and system CPU time so far, in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# switches PID: its voluntary and involuntary context switches so far (a voluntary one is a block in epoll_wait).
switches() {
  awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v, n }' \
    "/proc/$1/status"
}
# cpu_times: the machine's idle (idle + iowait) and total CPU time so far, in ticks over all CPUs (user to steal: the
# guest columns after them are already counted in user).
cpu_times() {
  awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9 && i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat
}

# measured_run LABEL PID COMMAND...: runs COMMAND, a load generator run, and prints "rps p50_us us_cpu_per_request
# idle_percent blocks preemptions": the CPU of process PID (a proxy) per request, the machine's idle share during the
# run, and PID's voluntary and involuntary context switches per 1,000 requests (PID "-": no proxy, its columns "-").
# The load generator's line is appended to $work/runs.log; if it fails, LABEL and its output go to stderr and the
# function fails.
measured_run() {
  local label="$1" pid="$2" out before=0 after=0 sw_before="0 0" sw_after="0 0" times_before times_after
  shift 2
  [ "$pid" != - ] && before=$(cpu_ticks "$pid") && sw_before=$(switches "$pid")
  times_before=$(cpu_times)
  if ! out=$("$@"); then
    echo "$label: $out" >&2
    return 1
  fi
  times_after=$(cpu_times)
  [ "$pid" != - ] && after=$(cpu_ticks "$pid") && sw_after=$(switches "$pid")
  echo "$out" >>"$work/runs.log"
  awk -v rps="$(field rps "$out")" -v p50="$(field p50_us "$out")" -v n="$(field requests "$out")" \
    -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v proxied="$pid" \
    -v times="$times_before $times_after" -v sw="$sw_before $sw_after" 'BEGIN {
      split(times, t, " "); split(sw, c, " ")
      idle = t[4] > t[2] ? sprintf("%.1f", 100 * (t[3] - t[1]) / (t[4] - t[2])) : "-"
      if (proxied == "-") { printf "%s %s - %s - -\n", rps, p50, idle; exit }
      printf "%s %s %.3f %s %.2f %.2f\n", rps, p50, ticks / hz * 1e6 / n, idle, (c[3] - c[1]) * 1000 / n,
        (c[4] - c[2]) * 1000 / n }'
}
# field NAME LINE: the value of NAME=value in a load generator's line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# An awk function for the scripts' awk programs: geometric_interval(SUM, SQUARES, N) gives "MEAN LOW HIGH", the
# geometric mean of N ratios whose logarithms add up to SUM (their squares to SQUARES) and its 95% confidence interval
# (Student's t on the logarithms; the t quantile by a series, to within 1% from 5 degrees of freedom on).
# shellcheck disable=SC2034  # used by the scripts that source this file
geometric_interval_awk='
function geometric_interval(sum, squares, n,   mean, var, df, t, half) {
  mean = sum / n; df = n - 1; var = (squares - n * mean ^ 2) / df
  t = 1.96 + 2.372 / df + 2.823 / df ^ 2
  half = t * (var > 0 ? sqrt(var) : 0) / sqrt(n)
  return sprintf("%.3f %.3f %.3f", exp(mean), exp(mean - half), exp(mean + half))
}'
