#!/usr/bin/env bash
# The `parley chat` screen as a person uses it (README): Alice's chat runs in a real terminal
# (a detached tmux pane, 100x30), Bob works from his own profile with the command line. The test
# reads Alice's screen as tmux shows it and checks that a message of Bob's appears on its own,
# that a line Alice types is sent (one tick), that a message arriving while she types leaves her
# half-typed line as it was, turns to two ticks when Bob's phone comes online and
# to blue ticks (the colour itself, read from the pane's escape codes) when he reads it, and that
# /quit and Ctrl-C leave with status 0, the terminal's modes restored.
#
# Usage: cli_terminal_test.sh BIN_DIR (the tree whose parley and parley-server to run)
set -euo pipefail
cd "$(dirname "$0")/../.."
PARLEY_BIN=${1:?usage: cli_terminal_test.sh BIN_DIR}
source scripts/cli-lib.sh
command -v tmux >/dev/null || fail "tmux is missing (scripts/install-deps.sh installs it)"

PANE="parley-test-$$"
kill_pane() { tmux kill-session -t "$PANE" 2>/dev/null; }
CLEANUP_HOOKS+=(kill_pane)
screen() { tmux capture-pane -p -t "$PANE" "$@"; }
# Waits (up to 30 s: the sanitizer build is slow) until Alice's screen has a line with all of
# the given strings (the raw pane with escape codes when the first argument is -e).
wait_screen() {
  local flags=()
  if [ "$1" = -e ]; then flags=(-e); shift; fi
  for _ in $(seq 300); do
    local line
    line=$(screen "${flags[@]}" 2>/dev/null) || true
    for needle in "$@"; do line=$(grep -F -- "$needle" <<<"$line") || { line=""; break; }; done
    [ -n "$line" ] && return 0
    sleep 0.1
  done
  fail "Alice's screen never showed a line with: $*"$'\n'"$(screen 2>/dev/null)"
}

step "Every command has --help"
for cmd in init link devices whoami contacts trust settings send chat inbox safety-number; do
  out=$("$BIN/parley" "$cmd" --help 2>&1) || fail "parley $cmd --help failed: $out"
  grep -q "^Usage:" <<<"$out" || fail "parley $cmd --help printed no usage: $out"
done
ok "11 commands"

start_server
new_account alice
ALICE=$ACCOUNT
new_account bob
BOB=$ACCOUNT
as alice contacts add bob "$BOB" >/dev/null
as bob contacts add alice "$ALICE" >/dev/null

step "Alice opens her chat with Bob in a terminal"
tmux new-session -d -s "$PANE" -x 100 -y 30 \
  "'$BIN/parley' --profile '$WORK/alice' --color always chat bob 2>'$WORK/chat.err'; echo \$? >'$WORK/chat.status'; sleep 30"
wait_screen "bob (account $BOB)"
wait_screen "/quit to leave"
ok "the chat screen is up"

step "Bob writes; the message appears on Alice's screen by itself"
as bob send alice "ping from bob" >/dev/null
wait_screen "bob:" "ping from bob"
ok "it arrived live"

step "Alice types a message (nothing of Bob's runs now: his phone is offline)"
tmux send-keys -t "$PANE" "hello from the terminal" Enter
wait_screen "you: hello from the terminal" "✓ sent"
ok "one tick"

step "Bob's phone comes online"
as bob inbox >/dev/null
wait_screen "you: hello from the terminal" "✓✓ delivered"
ok "the tick turned into two on Alice's screen"

step "Bob reads the chat"
as bob chat alice --once >/dev/null
wait_screen "you: hello from the terminal" "✓✓ read"
wait_screen -e "hello from the terminal" $'\e[94m✓✓ read'
ok "blue ticks, in blue"

step "Alice starts a line; Bob's reply arrives while she types; her line is still there"
tmux send-keys -t "$PANE" "half a lin"
wait_screen "> half a lin"
as bob send alice "are you typing?" >/dev/null
wait_screen "bob:" "are you typing?"
wait_screen "> half a lin"
tmux send-keys -t "$PANE" BSpace "ne" Enter
wait_screen "you: half a line" "✓"
ok "the redraw kept the typed text; Backspace edits it"

step "Alice's open chat told Bob she read his message"
show bob alice
expect "ping from bob" "✓✓ read"

echo "  Alice's screen now:"
screen | grep -v '^$' | sed 's/^/    │ /'

step "Alice leaves with /quit"
tmux send-keys -t "$PANE" "/quit" Enter
for _ in $(seq 100); do [ -s "$WORK/chat.status" ] && break; sleep 0.1; done
[ "$(cat "$WORK/chat.status" 2>/dev/null)" = 0 ] || fail "parley chat did not leave cleanly: status '$(cat "$WORK/chat.status" 2>/dev/null)', $(cat "$WORK/chat.err")"
ok "status 0"

step "Ctrl-C leaves too, and gives the terminal its modes back"
tmux kill-session -t "$PANE"
tmux new-session -d -s "$PANE" -x 100 -y 30 \
  "'$BIN/parley' --profile '$WORK/alice' chat bob 2>'$WORK/chat2.err'; echo \$? >'$WORK/chat2.status'; stty -a >'$WORK/stty.out'; sleep 30"
wait_screen "/quit to leave"
tmux send-keys -t "$PANE" C-c
for _ in $(seq 100); do [ -s "$WORK/stty.out" ] && break; sleep 0.1; done
[ "$(cat "$WORK/chat2.status" 2>/dev/null)" = 0 ] || fail "Ctrl-C: status '$(cat "$WORK/chat2.status" 2>/dev/null)', $(cat "$WORK/chat2.err")"
# stty prints a mode that is off with a minus: "-icanon", "-echo".
grep -qE '(^|[ ;])(icanon)([ ;]|$)' "$WORK/stty.out" || fail "stty printed no icanon: $(cat "$WORK/stty.out")"
if grep -qE '(^|[ ;])-(icanon|echo)([ ;]|$)' "$WORK/stty.out"; then fail "the terminal was left raw: $(cat "$WORK/stty.out")"; fi
ok "status 0; line editing and echo are back"
echo
echo "cli_terminal_test: all steps passed"
