# Sourced by the scripts that drive the `parley` command line against a real parley-server (the
# demo, the terminal test): the programs, a temporary directory with one profile per device, the
# server started on 127.0.0.1 and stopped on exit, and small checked steps.
#
# PARLEY_BIN: where parley and parley-server are (default: the release tree).

BIN=${PARLEY_BIN:-build/release/bin}
for tool in parley parley-server; do
  [ -x "$BIN/$tool" ] || { echo "$(basename "$0"): $BIN/$tool is missing; build first (make demo)" >&2; exit 2; }
done

WORK=$(mktemp -d -t parley-cli.XXXXXX)
SERVER_PID=""
CLEANUP_HOOKS=()
cleanup() {
  local hook
  for hook in "${CLEANUP_HOOKS[@]}"; do $hook || true; done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

COLOUR=${COLOUR:-never}
BOLD="" RESET="" RED="" GREEN=""
if [ "$COLOUR" = always ]; then BOLD=$'\e[1m' RESET=$'\e[0m' RED=$'\e[31m' GREEN=$'\e[32m'; fi

fail() { echo "${RED}FAILED:${RESET} $*" >&2; exit 1; }
step() { echo; echo "${BOLD}▶ $*${RESET}"; }
ok() { echo "  ${GREEN}✔${RESET} $*"; }
strip() { sed -e 's/\x1b\[[0-9;]*m//g'; }

# parley as the device named $1 (its profile is $WORK/$1).
as() { local device=$1; shift; "$BIN/parley" --profile "$WORK/$device" --color "$COLOUR" --quiet "$@"; }

start_server() {
  "$BIN/parley-server" --listen 127.0.0.1:0 --data "$WORK/server" --log-level warn --max-connections 1000 \
    >"$WORK/server.out" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 200); do grep -q '^listening on' "$WORK/server.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^listening on' "$WORK/server.out" || fail "the server did not start: $(cat "$WORK/server.log")"
  SERVER=$(sed -n 's/^listening on //p' "$WORK/server.out")
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# A new account with device $1 as its primary; its number in $ACCOUNT.
new_account() {
  as "$1" init --server "$SERVER" --server-key "$WORK/server/server.pub" | sed 's/^/  /'
  ACCOUNT=$(as "$1" whoami --account)
}

# Links a new companion $2 to the account of primary $1 by its QR code: the companion draws the
# code into a PNG, zbarimg scans it (as a phone's camera would), and the primary links the text.
link_by_qr() {
  local primary=$1 companion=$2
  as "$companion" init --link --server "$SERVER" --server-key "$WORK/server/server.pub" --qr-png "$WORK/$companion.png" \
    --timeout 60 >"$WORK/$companion.link" 2>&1 &
  local pid=$!
  # The PNG is written before the companion starts waiting, and the text right before it.
  for _ in $(seq 400); do grep -q '^PAYLOAD' "$WORK/$companion.link" 2>/dev/null && break; sleep 0.05; done
  [ -s "$WORK/$companion.png" ] || fail "$companion showed no QR code: $(cat "$WORK/$companion.link")"
  local scanned
  scanned=$(zbarimg --raw -q "$WORK/$companion.png" 2>/dev/null) || fail "the QR code of $companion does not scan"
  echo "  $companion shows a QR code; scanned: ${scanned:0:40}…"
  # The scanned text goes in on standard input: the link secret never stands in a command line.
  as "$primary" link - <<<"$scanned" | sed 's/^/  /' || fail "$primary could not link $companion"
  wait "$pid" || fail "$companion was not linked: $(cat "$WORK/$companion.link")"
  grep '^Linked' "$WORK/$companion.link" | sed 's/^/  /'
}

# Shows device $1's chat with $2 (as `parley chat --once` prints it, with any further options) and
# keeps it in $SHOWN.
show() {
  SHOWN=$(as "$1" chat "$2" --once "${@:3}") || fail "$1 could not open its chat with $2"
  echo "  $1's screen:"
  sed 's/^/    │ /' <<<"$SHOWN"
  SHOWN=$(strip <<<"$SHOWN")
}
# The line of $SHOWN with text $1 must show $2 ("✓ sent", "✓✓ delivered", "✓✓ read", or a sender).
expect() { grep -F -- "$1" <<<"$SHOWN" | grep -qF -- "$2" || fail "expected \"$1\" with \"$2\", got:"$'\n'"$SHOWN"; }
