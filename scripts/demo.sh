#!/usr/bin/env bash
# make demo's main job (README): the whole protocol through the real `parley` command line and a
# real parley-server on 127.0.0.1, each device its own profile directory in a temporary directory.
# Alice (phone and laptop) and Bob (phone, later a laptop too): one tick while Bob is offline, two
# ticks on both of Alice's devices once he is online, blue once he read it, his reply on Alice's
# laptop, a companion linked by scanning its QR code, a replaced device that Alice must accept
# before she writes to it, a photo and a voice note that arrive byte for byte (the photo's thumbnail
# drawn in Bob's chat), clear errors, matching safety numbers, and a group whose removed member reads
# nothing new and whose newcomer sees no history. Every step is
# checked; the first that fails stops the demo with its reason and a non-zero status. Last, every
# committed vector file is verified (one summary line).
#
# PARLEY_BIN: where parley and parley-server are (default: the release tree); the test suite runs
# this script against the sanitizer tree too (PARLEY_DEMO_NO_VECTORS=1: without the vectors, which
# have tests of their own).
set -euo pipefail
cd "$(dirname "$0")/.."

COLOUR=never
[ -t 1 ] && COLOUR=always
source scripts/cli-lib.sh

step "Starting parley-server on 127.0.0.1 (embedded SQLite database in $WORK/server)"
start_server
ok "listening on $SERVER"

step "Alice sets up her phone (a new account) and links her laptop by QR code"
new_account alice-phone
ALICE=$ACCOUNT
link_by_qr alice-phone alice-laptop

step "Bob sets up his phone; each adds the other as a contact"
new_account bob-phone
BOB=$ACCOUNT
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

step "Alice sends Bob a photo and a voice note; Bob's chat shows the photo before he fetches it"
# A real JPEG (a PPM drawn here, compressed by libjpeg-turbo's cjpeg) and a real WAV (sox).
python3 - "$WORK/lunch.ppm" <<'PY'
import math, sys
w, h = 480, 320
rows = []
for y in range(h):
    row = bytearray()
    for x in range(w):
        sun = math.hypot(x - 360, y - 90) < 45
        if sun:
            row += bytes((255, 214, 90))
        elif y < 200:
            row += bytes((90 + y // 4, 150 + y // 5, 235))
        else:
            shade = 40 + (x * 3 + y * 5) % 60
            row += bytes((shade, 120 + shade, 50))
    rows.append(bytes(row))
with open(sys.argv[1], "wb") as f:
    f.write(b"P6 %d %d 255\n" % (w, h) + b"".join(rows))
PY
cjpeg -quality 85 -outfile "$WORK/lunch.jpg" "$WORK/lunch.ppm"
sox -n -r 16000 -c 1 -b 16 "$WORK/hello.wav" synth 2.5 sine 220:440 fade 0.05 2.5 0.2
as alice-phone send bob --file "$WORK/lunch.jpg" --caption "The place for lunch" | sed 's/^/  /'
as alice-phone send bob --file "$WORK/hello.wav" --type voice | sed 's/^/  /'
show bob-phone alice --pictures
expect "[image: lunch.jpg" "alice:"; expect "The place for lunch" "480x320"; expect "[voice note: hello.wav" "alice:"
PICTURE_ROWS=$(awk '/\[image: lunch.jpg/ { under = 1; next } under && /^          / { n++; next } { under = 0 } END { print n + 0 }' <<<"$SHOWN")
[ "$PICTURE_ROWS" -ge 4 ] || fail "Bob's chat draws no thumbnail under the photo"
ok "Bob's chat draws the photo's thumbnail ($PICTURE_ROWS rows) from the message alone"
PHOTO_ID=$(grep -F "[image: lunch.jpg" <<<"$SHOWN" | sed -n 's/.*(id \([0-9]*\)).*/\1/p')
VOICE_ID=$(grep -F "[voice note: hello.wav" <<<"$SHOWN" | sed -n 's/.*(id \([0-9]*\)).*/\1/p')
as bob-phone media get "$PHOTO_ID" --out "$WORK/bob-lunch.jpg" | sed 's/^/  saved /'
as bob-phone media get "$VOICE_ID" --out "$WORK/bob-hello.wav" | sed 's/^/  saved /'
for f in lunch.jpg hello.wav; do
  SENT=$(sha256sum <"$WORK/$f" | cut -d' ' -f1); GOT=$(sha256sum <"$WORK/bob-$f" | cut -d' ' -f1)
  [ "$SENT" = "$GOT" ] || fail "Bob's copy of $f differs from Alice's ($GOT, not $SENT)"
  echo "  $f: SHA-256 ${SENT:0:16}… on both sides"
done
ok "Bob's copies of the photo and the voice note are Alice's, byte for byte"

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

step "Bob replaces his laptop: the new one takes device slot 2 with new keys, and Alice is told"
echo "  Bob's phone removes the old laptop; the account's devices are now:"
as bob-phone devices remove 2 | sed 's/^/    /'
link_by_qr bob-phone bob-laptop-new
as bob-laptop-new contacts add alice "$ALICE" >/dev/null
if ERR=$(as bob-laptop inbox 2>&1); then fail "the removed laptop still logs in"; fi
echo "  the old laptop tries to fetch its mail:"; sed 's/^/  /' <<<"$ERR"
grep -q "does not take this device" <<<"$ERR" || fail "unclear error for a removed device: $ERR"
NEW_DEVICE=$(as bob-laptop-new whoami | sed -n 's/.*device \([0-9]*\).*/\1/p')
[ "$NEW_DEVICE" = 2 ] || fail "the new laptop is device $NEW_DEVICE, not 2: the scenario needs the slot reused"
M4="Is this your new laptop, Bob?"
if ERR=$(as alice-phone send bob "$M4" 2>&1); then fail "a message went to a device whose key changed, unchecked"; fi
sed 's/^/  /' <<<"$ERR"
grep -q "untrusted_identity" <<<"$ERR" || fail "unclear error for a changed identity: $ERR"
echo "  (Alice checks with Bob, then accepts the new key)"
as alice-phone trust bob 2 | sed 's/^/  /'
as alice-phone send bob "Got it, thanks." | sed 's/^/  /'
show alice-phone bob; expect "$M4" "✓ sent"
show bob-laptop-new alice; expect "$M4" "alice:"; expect "Got it, thanks." "alice:"
ok "held until Alice accepted the key, then sent from her outbox; the new laptop has both"

step "A mistake gets a clear error: Bob writes to a contact he does not have"
if ERR=$(as bob-phone send carol "hello?" 2>&1); then fail "a send to an unknown contact succeeded"; fi
sed 's/^/  /' <<<"$ERR"
grep -q "unknown contact 'carol'" <<<"$ERR" || fail "unclear error for an unknown contact: $ERR"

step "Safety numbers: Alice and Bob compare them"
as alice-phone safety-number bob | sed 's/^/  /'
A_NUM=$(as alice-phone safety-number bob | grep -E '^[0-9]{5} ' | tr -d ' \n')
B_NUM=$(as bob-phone safety-number alice | grep -E '^[0-9]{5} ' | tr -d ' \n')
L_NUM=$(as bob-laptop-new safety-number alice | grep -E '^[0-9]{5} ' | tr -d ' \n')
[ "${#A_NUM}" -eq 60 ] || fail "a safety number has 60 digits, got '$A_NUM'"
[ "$A_NUM" = "$B_NUM" ] || fail "the safety numbers differ: $A_NUM (Alice) and $B_NUM (Bob)"
[ "$B_NUM" = "$L_NUM" ] || fail "Bob's laptop shows another safety number: $L_NUM"
ok "the same 60 digits on Alice's phone, Bob's phone and Bob's newest laptop (companions do not change it)"
CODE=$(as bob-phone safety-number alice | sed -n 's/^Scannable code: //p')
echo "  Alice scans the code on Bob's phone (libsignal's scannable form, ${#CODE} hex digits):"
as alice-phone safety-number bob --compare "$CODE" | sed 's/^/  /' || fail "Alice's phone does not match Bob's code"
FORGED="${CODE:0:20}$([ "${CODE:20:1}" = 0 ] && echo 1 || echo 0)${CODE:21}"
if as alice-phone safety-number bob --compare "$FORGED" >"$WORK/forged.out"; then fail "a forged code matched"; fi
sed 's/^/  /' "$WORK/forged.out"
ok "a match, and a code with one changed digit is refused"

step "A group: Alice, Bob (phone and new laptop) and Carol; the members, not the server, decide who is in it"
new_account carol-phone; CAROL=$ACCOUNT
new_account dave-phone; DAVE=$ACCOUNT
as alice-phone contacts add carol "$CAROL" >/dev/null
as alice-phone contacts add dave "$DAVE" >/dev/null
as alice-phone group create Weekend bob carol | sed 's/^/  /'
as alice-phone send --group Weekend "Hiking on Saturday?" | sed 's/^/  /'
for d in bob-phone bob-laptop-new carol-phone; do
  SHOWN=$(as "$d" chat Weekend --group --once | strip) || fail "$d cannot open the group"
  grep -q "Hiking on Saturday?" <<<"$SHOWN" || fail "$d did not get the group message: $SHOWN"
done
ok "one upload; the server copied it to Bob's phone, Bob's laptop and Carol's phone"
as alice-phone group remove Weekend carol | sed 's/^/  /'
as alice-phone send --group Weekend "Carol can't come, so just us." | sed 's/^/  /'
SHOWN=$(as carol-phone chat Weekend --group --once | strip)
grep -q "just us" <<<"$SHOWN" && fail "Carol, removed, read a message sent after her removal"
ok "Carol was removed: Alice's phone made a new sender key, and Carol's phone got nothing new"
as alice-phone group add Weekend dave | sed 's/^/  /'
as alice-phone send --group Weekend "Welcome, Dave!" | sed 's/^/  /'
SHOWN=$(as dave-phone chat Weekend --group --once | strip)
sed 's/^/    │ /' <<<"$SHOWN"
grep -q "Welcome, Dave!" <<<"$SHOWN" || fail "Dave did not get the message after he joined"
grep -q "Hiking on Saturday?" <<<"$SHOWN" && fail "Dave, who joined later, read the group's history"
ok "Dave joined: he reads what follows, not the history"
as bob-phone group info Weekend | sed 's/^/  /'

step "Stopping the server; a device that tries to connect now is told so"
stop_server
if ERR=$(as alice-phone inbox 2>&1); then fail "inbox succeeded without a server"; fi
sed 's/^/  /' <<<"$ERR"
grep -q "cannot reach the server at $SERVER" <<<"$ERR" || fail "unclear error without a server: $ERR"
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
