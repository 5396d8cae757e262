#!/usr/bin/env bash
# Installs every Debian package zkwire needs to build, test and record captures; silent when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config time
  libevent-dev libspdlog-dev libyaml-cpp-dev libgtest-dev libgmock-dev libpcap-dev libbenchmark-dev
  zookeeper libzookeeper-mt-dev python3-kazoo tcpdump tshark iproute2 openjdk-17-jdk-headless libslf4j-java
  clang libclang-rt-14-dev
  haproxy valgrind  # bench/run_proxy_bench.sh: the proxy zkwire is measured against, and its --callgrind mode
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
