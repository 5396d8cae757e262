#!/usr/bin/env bash
# The main job, end to end on a fresh machine: install what is missing, build, decode a real capture.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
capture=${1:-captures/kazoo_crud.pcap}
echo "== zkwire analyze $capture (a kazoo session against a real ZooKeeper 3.8: CRUD, ACLs, watches, multi)"
build/cli/zkwire analyze "$capture"
