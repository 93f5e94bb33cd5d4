#!/usr/bin/env bash
# Runs every benchmark program of the release tree and prints the median table.
#
#   scripts/bench.sh [BENCHMARK_ARGS...]     e.g. --benchmark_filter=xeddsa
#   BENCH_BUILD=build/other scripts/bench.sh  another Release tree (default: build/release)
#   BENCH_PROGRAMS="media" scripts/bench.sh    only build/release/bin/parley-bench-media
#
# `make bench` builds the release tree first and calls this. Each build/release/bin/parley-bench-*
# (crypto, session, ...) runs with 5 repetitions; its JSON lands in
# build/release/bench-results/<program>.json (the console shows progress meanwhile), and
# bench/bench_table.py prints each benchmark's median time and its ratio to the direct library call
# the Parley wrapper rests on, then the session workloads with Parley's ratio to each peer.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build/release}
[[ $build = /* ]] || build=$root/$build
results=$build/bench-results

shopt -s nullglob
programs=()
if [[ -n ${BENCH_PROGRAMS:-} ]]; then
  for name in $BENCH_PROGRAMS; do programs+=("$build/bin/parley-bench-$name"); done
else
  for path in "$build"/bin/parley-bench-*; do
    [[ -f $path && -x $path ]] && programs+=("$path")
  done
fi
if (( ${#programs[@]} == 0 )); then
  echo "no benchmarks in $build/bin: build the release tree first (make build-release)" >&2
  exit 2
fi

mkdir -p "$results"
outputs=()
for path in "${programs[@]}"; do
  name=$(basename "$path")
  out=$results/$name.json
  echo "== $name -> $out"
  # Medians of repetitions, because this machine is shared and single runs are noisy;
  # repetitions of different benchmarks interleaved at random, so that a burst of load from another
  # process does not fall on one side of a comparison only.
  "$path" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true \
    --benchmark_out_format=json --benchmark_out="$out" "$@"
  outputs+=("$out")
done

echo
python3 "$root/bench/bench_table.py" "${outputs[@]}"
