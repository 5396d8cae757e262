# Helpers the proxy benchmark scripts share (sourced): packages, ports, haproxy's config, what /proc says of a run.
# shellcheck shell=bash

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
