#!/usr/bin/env bash
# zkcli.pcap: a few commands through Debian's zkCli.sh; every command is its own JVM and session.
set -euo pipefail
server="${ZK_CONNECT%%,*}"
zkcli() {
  echo "driver: zkCli.sh $*" >&2
  /usr/share/zookeeper/bin/zkCli.sh -server "$server" "$@" >/dev/null 2>&1
}
zkcli ls /
zkcli create /zkcli "hello from zkCli"
zkcli get /zkcli
zkcli stat /zkcli
zkcli set /zkcli "changed"
zkcli ls -s /
zkcli delete /zkcli
