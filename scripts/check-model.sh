#!/usr/bin/env bash
# Model-checks spec/models/delivery.pml with spin (spec §10.3): each property of the correct model
# must hold (errors: 0) and each deliberately broken variant must be caught (errors > 0, on the
# property it breaks), so a model that stops finding the bug fails too.
#   scripts/check-model.sh [CHECK...]    checks: see `checks` below; none given = all
# Exhaustive search, no bitstate; each check runs in its own temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
model=$root/spec/models/delivery.pml

# name | expected | spin -D flags | cc flags | pan arguments | pattern of the expected violation
# Safety runs let the network lose and duplicate without bound; the liveness run bounds both
# (fair loss as finitely many losses) and needs weak fairness (-f) over its 13 processes (NFAIR).
checks=(
  "no_acked_message_lost|pass||-DSAFETY|-N no_acked_message_lost|"
  "read_implies_delivered|pass||-DSAFETY|-N read_implies_delivered|"
  "eventually_delivered|pass|-DMAX_LOSS=1 -DMAX_DUP=1|-DNFAIR=4|-a -f -N eventually_delivered|"
  "broken_delete_before_ack|fail|-DBROKEN_DELETE_BEFORE_ACK|-DSAFETY|-N no_acked_message_lost|committed"
  "broken_assign_status|fail|-DBROKEN_ASSIGN_STATUS|-DSAFETY|-N read_implies_delivered|next>=status"
  "broken_no_resend|fail|-DBROKEN_NO_RESEND -DMAX_LOSS=1 -DMAX_DUP=1|-DNFAIR=4|-a -f -N eventually_delivered|acceptance cycle"
)

run_check() {
  local name=$1 expect=$2 defines=$3 ccflags=$4 panargs=$5 pattern=$6
  local dir
  dir=$(mktemp -d)
  # shellcheck disable=SC2086  # the flag lists are meant to split
  (
    cd "$dir"
    spin $defines -a "$model" >spin.log
    cc -O2 -w $ccflags -o pan pan.c
    timeout 120 ./pan -m100000 $panargs >pan.out 2>&1 || true
  )
  local out=$dir/pan.out errors
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$out" | tail -1)
  echo "== $name (expect $expect): spin $defines; pan $panargs"
  grep -E '^State-vector|states, stored|elapsed time|violated|acceptance cycle' "$out" | sed 's/^/   /'
  local ok=0
  if [ -z "$errors" ] || grep -q 'max search depth too small' "$out"; then
    echo "   FAIL: the search did not complete"; sed 's/^/   | /' "$out" | tail -20
  elif [ "$expect" = pass ] && [ "$errors" -eq 0 ]; then
    ok=1
  elif [ "$expect" = fail ] && [ "$errors" -gt 0 ] && grep -E 'violated|acceptance cycle' "$out" | grep -qF "$pattern"; then
    ok=1
  else
    echo "   FAIL: errors: $errors, expected $expect${pattern:+ on $pattern}"
  fi
  rm -rf "$dir"
  [ "$ok" -eq 1 ]
}

command -v spin >/dev/null || { echo "spin is not installed (scripts/install-deps.sh)"; exit 1; }
wanted=("$@")
status=0 found=0
for c in "${checks[@]}"; do
  IFS='|' read -r name expect defines ccflags panargs pattern <<<"$c"
  if [ "${#wanted[@]}" -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  found=$((found + 1))
  run_check "$name" "$expect" "$defines" "$ccflags" "$panargs" "$pattern" || status=1
done
[ "$found" -gt 0 ] || { echo "no such check: $*"; exit 1; }
exit $status
