#!/usr/bin/env bash
# make demo's main job (issue 7): the whole protocol through the real `parley` command line and a
# real parley-server on 127.0.0.1, each device its own profile directory in a temporary directory.
# Alice (phone and laptop) and Bob (phone, later a laptop too): one tick while Bob is offline, two
# ticks on both of Alice's devices once he is online, blue once he read it, his reply on Alice's
# laptop, a companion linked by scanning its QR code, and matching safety numbers. Every step is
# checked; the first that fails stops the demo with its reason and a non-zero status. Last, every
# committed vector file is verified (one summary line).
#
# PARLEY_BIN: where parley and parley-server are (default: the release tree); the test suite runs
# this script against the sanitizer tree too.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${PARLEY_BIN:-build/release/bin}
for tool in parley parley-server; do
  [ -x "$BIN/$tool" ] || { echo "demo: $BIN/$tool is missing; build first (make demo)" >&2; exit 2; }
done

WORK=$(mktemp -d -t parley-demo.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

COLOUR=never
[ -t 1 ] && COLOUR=always
BOLD="" RESET="" RED="" GREEN=""
if [ "$COLOUR" = always ]; then BOLD=$'\e[1m' RESET=$'\e[0m' RED=$'\e[31m' GREEN=$'\e[32m'; fi

fail() { echo "${RED}DEMO FAILED:${RESET} $*" >&2; exit 1; }
step() { echo; echo "${BOLD}▶ $*${RESET}"; }
ok() { echo "  ${GREEN}✔${RESET} $*"; }
# parley as the device named $1 (its profile is $WORK/$1).
as() { local device=$1; shift; "$BIN/parley" --profile "$WORK/$device" --color "$COLOUR" --quiet "$@"; }
strip() { sed -e 's/\x1b\[[0-9;]*m//g'; }
# Shows device $1's chat with $2 (as `parley chat --once` prints it) and keeps it in $SHOWN.
show() {
  SHOWN=$(as "$1" chat "$2" --once) || fail "$1 could not open its chat with $2"
  echo "  $1's screen:"
  sed 's/^/    │ /' <<<"$SHOWN"
  SHOWN=$(strip <<<"$SHOWN")
}
# The line of $SHOWN with text $1 must show $2 ("✓ sent", "✓✓ delivered", "✓✓ read", or a sender).
expect() { grep -F -- "$1" <<<"$SHOWN" | grep -qF -- "$2" || fail "expected \"$1\" with \"$2\", got:"$'\n'"$SHOWN"; }

# Links a new companion $2 to the account of primary $1 by its QR code: the companion draws the
# code into a PNG, zbarimg scans it (as a phone's camera would), and the primary links the text.
link_by_qr() {
  local primary=$1 companion=$2
  as "$companion" init --link --server "$SERVER" --server-key "$WORK/server/server.pub" --qr-png "$WORK/$companion.png" \
    --timeout 60 >"$WORK/$companion.link" 2>&1 &
  local pid=$!
  for _ in $(seq 200); do [ -s "$WORK/$companion.png" ] && break; sleep 0.05; done
  [ -s "$WORK/$companion.png" ] || fail "$companion showed no QR code: $(cat "$WORK/$companion.link")"
  sleep 0.2  # the PNG is written whole before the wait begins; give the file a moment to close
  local scanned
  scanned=$(zbarimg --raw -q "$WORK/$companion.png" 2>/dev/null) || fail "the QR code of $companion does not scan"
  echo "  $companion shows a QR code; scanned: ${scanned:0:40}…"
  as "$primary" link "$scanned" | sed 's/^/  /' || fail "$primary could not link $companion"
  wait "$pid" || fail "$companion was not linked: $(cat "$WORK/$companion.link")"
  grep '^Linked' "$WORK/$companion.link" | sed 's/^/  /'
}

step "Starting parley-server on 127.0.0.1 (embedded SQLite database in $WORK/server)"
"$BIN/parley-server" --listen 127.0.0.1:0 --data "$WORK/server" --log-level warn --max-connections 1000 \
  >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q '^listening on' "$WORK/server.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^listening on' "$WORK/server.out" || fail "the server did not start: $(cat "$WORK/server.log")"
SERVER=$(sed -n 's/^listening on //p' "$WORK/server.out")
ok "listening on $SERVER"

step "Alice sets up her phone (a new account) and links her laptop by QR code"
as alice-phone init --server "$SERVER" --server-key "$WORK/server/server.pub" | sed 's/^/  /'
ALICE=$(as alice-phone whoami --account)
link_by_qr alice-phone alice-laptop

step "Bob sets up his phone; each adds the other as a contact"
as bob-phone init --server "$SERVER" --server-key "$WORK/server/server.pub" | sed 's/^/  /'
BOB=$(as bob-phone whoami --account)
for d in alice-phone alice-laptop; do as "$d" contacts add bob "$BOB" >/dev/null; done
as bob-phone contacts add alice "$ALICE" >/dev/null
ok "alice is account $ALICE, bob is account $BOB"

step "Bob is offline. Alice writes from her phone: one tick (the server has it)"
M1="Hi Bob! Lunch tomorrow?"
as alice-phone send bob "$M1" | sed 's/^/  /'
show alice-phone bob; expect "$M1" "✓ sent"
show alice-laptop bob; expect "$M1" "✓ sent"
ok "one tick on both of Alice's devices"

step "Bob's phone comes online and fetches its mail (without opening the chat)"
as bob-phone inbox | sed 's/^/  /'
show alice-phone bob; expect "$M1" "✓✓ delivered"
show alice-laptop bob; expect "$M1" "✓✓ delivered"
ok "two ticks on both of Alice's devices"

step "Bob opens the chat: he has read it"
show bob-phone alice; expect "$M1" "alice:"
show alice-phone bob; expect "$M1" "✓✓ read"
show alice-laptop bob; expect "$M1" "✓✓ read"
ok "blue ticks on both of Alice's devices"

step "Bob replies; Alice's laptop shows both sides of the conversation"
M2="Yes! 12:30 at the usual place?"
as bob-phone send alice "$M2" | sed 's/^/  /'
show alice-laptop bob; expect "$M1" "you (device 1):"; expect "$M2" "bob:"
show bob-phone alice; expect "$M2" "✓✓ read"
ok "the laptop shows Alice's phone's message and Bob's reply; Bob sees his reply read"

step "Bob links a new laptop by QR code; from then on messages reach it too"
link_by_qr bob-phone bob-laptop
as bob-laptop contacts add alice "$ALICE" >/dev/null
M3="Perfect, see you there."
as alice-laptop send bob "$M3" | sed 's/^/  /'
show bob-laptop alice; expect "$M3" "alice:"
grep -qF "$M1" <<<"$SHOWN" && fail "bob-laptop shows a message sent before it was linked"
show bob-phone alice; expect "$M3" "alice:"
ok "Bob's new laptop has the new message (and none from before it was linked)"

show alice-phone bob; expect "$M3" "✓✓ read"
ok "Alice's phone shows her laptop's message read"

step "A mistake gets a clear error: Bob writes to a contact he does not have"
if ERR=$(as bob-phone send carol "hello?" 2>&1); then fail "a send to an unknown contact succeeded"; fi
sed 's/^/  /' <<<"$ERR"
grep -q "unknown contact 'carol'" <<<"$ERR" || fail "unclear error for an unknown contact: $ERR"

step "Safety numbers: Alice and Bob compare them"
as alice-phone safety-number bob | sed 's/^/  /'
A_NUM=$(as alice-phone safety-number bob | grep -E '^[0-9]{5} ' | tr -d ' \n')
B_NUM=$(as bob-phone safety-number alice | grep -E '^[0-9]{5} ' | tr -d ' \n')
L_NUM=$(as bob-laptop safety-number alice | grep -E '^[0-9]{5} ' | tr -d ' \n')
[ "${#A_NUM}" -eq 60 ] || fail "a safety number has 60 digits, got '$A_NUM'"
[ "$A_NUM" = "$B_NUM" ] || fail "the safety numbers differ: $A_NUM (Alice) and $B_NUM (Bob)"
[ "$B_NUM" = "$L_NUM" ] || fail "Bob's laptop shows another safety number: $L_NUM"
ok "the same 60 digits on Alice's phone, Bob's phone and Bob's new laptop"

step "Stopping the server"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
ok "stopped"

if [ -z "${PARLEY_DEMO_NO_VECTORS:-}" ]; then
  step "Conformance vectors (spec/vectors, RFC and external libsignal/cacophony files)"
  shopt -s nullglob
  files=(spec/vectors/*.json tests/data/external/*.json tests/data/rfc/*.json)
  "$BIN/parley-conformance" verify "${files[@]}" >"$WORK/vectors.out" || { cat "$WORK/vectors.out"; fail "a vector failed"; }
  echo "  $(tail -1 "$WORK/vectors.out")"
fi
echo
echo "${GREEN}${BOLD}Demo passed: every step above was checked.${RESET}"
