#!/usr/bin/env bash
# Configures and builds zkwire into build/ (or $ZKWIRE_BUILD_DIR); extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${ZKWIRE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
cmake --build "$build_dir" -j "$(nproc)" ${ZKWIRE_BUILD_TARGET:+--target "$ZKWIRE_BUILD_TARGET"}
