#!/usr/bin/env bash
# Runs every libFuzzer target in build/fuzz/bin for SECONDS each, one after the other.
#
#   scripts/fuzz.sh [SECONDS]      (default 60; `make fuzz` builds the fuzz preset and calls this)
#
# Each target fuzzes a working corpus in build/fuzz/corpus-work/<target>, seeded from the committed
# fuzz/corpus/<target> and kept between runs so that coverage accumulates; the committed corpus is
# never written. Crashing inputs land in fuzz/artifacts/<target>/ (git-ignored). Prints one line per
# target with its executions and verdict; exits 1 if any target crashed, 2 if there is nothing to run.
set -euo pipefail

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds == 0 )); then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=$root/build/fuzz/bin
work_root=$root/build/fuzz/corpus-work
log_dir=$root/build/fuzz/logs
artifact_root=$root/fuzz/artifacts

shopt -s nullglob
targets=()
# FUZZ_TARGETS="fuzz_a fuzz_b" runs only those (make fuzz FUZZ_TARGETS=...); default: all.
for path in "$bin_dir"/fuzz_*; do
  [[ -f $path && -x $path ]] || continue
  if [[ -n ${FUZZ_TARGETS:-} && " $FUZZ_TARGETS " != *" $(basename "$path") "* ]]; then continue; fi
  targets+=("$path")
done
if (( ${#targets[@]} == 0 )); then
  echo "no fuzz targets in $bin_dir: build them first (make build-fuzz)" >&2
  exit 2
fi

mkdir -p "$work_root" "$log_dir"
printf '%-22s %14s %10s  %s\n' target executions corpus result
failed=0
for path in "${targets[@]}"; do
  target=$(basename "$path")
  work=$work_root/$target
  artifacts=$artifact_root/$target
  log=$log_dir/$target.log
  mkdir -p "$work" "$artifacts"
  if [[ -d $root/fuzz/corpus/$target ]]; then
    cp -R "$root/fuzz/corpus/$target/." "$work/"
  fi

  rc=0
  # -timeout: one input taking this long is a hang worth reporting, not a slow run.
  "$path" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" >"$log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus_size=$(find "$work" -maxdepth 1 -type f | wc -l)
  if (( rc == 0 )); then
    result=clean
  else
    failed=1
    # libFuzzer names the saved input on a line "... Test unit written to <path>".
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
    reason=$(grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz property failed|exception escaped|.*runtime error)' "$log" || true)
    result="CRASH (exit $rc) ${reason:-see log} -> ${artifact:-no artifact}; log: $log"
  fi
  printf '%-22s %14s %10s  %s\n' "$target" "${execs:-?}" "$corpus_size" "$result"
done
exit "$failed"
