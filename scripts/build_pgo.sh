#!/usr/bin/env bash
# A profile-guided Release build of zkwire into $ZKWIRE_BUILD_DIR (default build-pgo): an instrumented build
# analyses captures, then zkwire is rebuilt with that profile.
#
# The training is `zkwire analyze` in every output format over $ZKWIRE_PGO_CAPTURES (a directory searched for
# .pcap/.pcapng files, default captures/: the project's recorded sessions). It runs the decoder, the inspector and the
# outputs, which is where a frame's cost lies in the proxy too. Train on a large capture of your own traffic to build a
# zkwire tuned to it: the profile only helps as far as it weighs the paths as your traffic does (docs/benchmarks.md).
# Extra arguments go to cmake. ZKWIRE_BUILD_TARGET="a b c" builds only those targets (zkwire is always built).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${ZKWIRE_BUILD_DIR:-build-pgo}
mkdir -p "$build_dir"
profile_dir="$(cd "$build_dir" && pwd)/pgo-profile"
jobs=${ZKWIRE_BUILD_JOBS:-$(nproc)}
configure() {
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZKWIRE_PGO="$1" -DZKWIRE_PGO_DIR="$profile_dir" \
    "${@:2}" > /dev/null
}

echo "build_pgo: instrumented build" >&2
configure generate "$@"
cmake --build "$build_dir" -j "$jobs" --target zkwire
rm -rf "$profile_dir"

training=${ZKWIRE_PGO_CAPTURES:-captures}
echo "build_pgo: training on $training" >&2
trained=0
while IFS= read -r capture; do
  for format in summary jsonl text; do
    # A capture zkwire refuses (not ZooKeeper, say) has still run, and trained, the paths up to its refusal.
    "$build_dir/cli/zkwire" analyze --format "$format" "$capture" > /dev/null 2>&1 || true
  done
  trained=$((trained + 1))
done < <(find "$training" -name '*.pcap' -o -name '*.pcapng' | sort)
if [ "$trained" -eq 0 ] || [ ! -d "$profile_dir" ]; then
  echo "build_pgo: no profile was written (no .pcap or .pcapng files in $training?)" >&2
  exit 1
fi

echo "build_pgo: optimised build with the profile of $trained captures" >&2
configure use "$@"
# shellcheck disable=SC2086  # the target list splits on purpose
cmake --build "$build_dir" -j "$jobs" --target zkwire ${ZKWIRE_BUILD_TARGET:-}
