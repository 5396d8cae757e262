#!/usr/bin/env bash
# Configures and builds zkwire into build/ (or $ZKWIRE_BUILD_DIR); extra arguments go to cmake.
# ZKWIRE_BUILD_TARGET="a b c" builds only those targets.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${ZKWIRE_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
# shellcheck disable=SC2086  # the target list splits on purpose
cmake --build "$build_dir" -j "$(nproc)" ${ZKWIRE_BUILD_TARGET:+--target $ZKWIRE_BUILD_TARGET}
