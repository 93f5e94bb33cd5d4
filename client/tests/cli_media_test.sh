#!/usr/bin/env bash
# Attachments through the `parley` command line against a real server (spec §12.3): `parley send
# --file` killed (SIGKILL) during its upload and run again goes on with the same attachment and
# does not start over; `parley media get` killed during its download and run again saves a file
# with Alice's SHA-256 and nothing under its name before that; Bob forwards it to Carol without
# uploading it again; once every recipient has it and the server dropped it, Carol's forward needs
# the file and uploads it again; a message id with no attachment is a clear error.
#
# Usage: cli_media_test.sh BIN_DIR (the tree whose parley and parley-server to run)
set -euo pipefail
cd "$(dirname "$0")/../.."
PARLEY_BIN=${1:?usage: cli_media_test.sh BIN_DIR}
source scripts/cli-lib.sh

# parley as device $1, with its progress bars (as() passes --quiet). `exec`, so that a command put
# in the background is the parley process itself and SIGKILL reaches it, not a subshell around it.
loud() { local device=$1; shift; exec "$BIN/parley" --profile "$WORK/$device" --color never "$@"; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }
id_of() { sed -n 's/.*\[document: '"$1"'.*(id \([0-9]*\)).*/\1/p' <<<"$SHOWN" | tail -1; }

step "Alice, Bob and Carol"
start_server
new_account alice; ALICE=$ACCOUNT
new_account bob; BOB=$ACCOUNT
new_account carol; CAROL=$ACCOUNT
as alice contacts add bob "$BOB" >/dev/null
as bob contacts add alice "$ALICE" >/dev/null
as bob contacts add carol "$CAROL" >/dev/null
as carol contacts add bob "$BOB" >/dev/null
head -c $((48 * 1024 * 1024)) /dev/urandom >"$WORK/report.bin"

step "Alice's send is killed during its upload, and run again"
wal_size() { stat -c %s "$WORK/server/parley.sqlite3-wal" 2>/dev/null || echo 0; }
BEFORE=$(wal_size)
loud alice send bob --file "$WORK/report.bin" --type document >"$WORK/send1.out" 2>"$WORK/send1.err" &
SEND=$!
# Killed once the server has committed a few MiB of it (its write-ahead log grows by them).
for _ in $(seq 1500); do [ $(( $(wal_size) - BEFORE )) -gt $((4 * 1024 * 1024)) ] && break; sleep 0.02; done
kill -KILL "$SEND"; wait "$SEND" 2>/dev/null || true
compgen -G "$WORK/alice/media/*.pending" >/dev/null || fail "the attachment was never prepared: $(cat "$WORK/send1.err")"
ok "killed; the prepared upload stays: $(basename "$(compgen -G "$WORK/alice/media/*.pending")")"
(loud alice send bob --file "$WORK/report.bin" --type document) >"$WORK/send2.out" 2>"$WORK/send2.err" ||
  fail "the second send failed: $(cat "$WORK/send2.err")"
sed 's/^/  /' "$WORK/send2.err" | grep uploading || fail "no progress line: $(cat "$WORK/send2.err")"
grep -q "went on from" "$WORK/send2.err" || fail "the second run started over"
compgen -G "$WORK/alice/media/*.pending" >/dev/null && fail "the sent attachment's record was left behind"
ok "the second run went on with the first one's upload"

step "Bob forwards it to Carol before fetching it: the server holds it, and Bob's grant passes on"
show bob alice
REPORT=$(id_of report.bin)
[ -n "$REPORT" ] || fail "Bob's chat shows no report.bin"
[ "$(grep -c 'report.bin' <<<"$SHOWN")" = 1 ] || fail "the killed send and its second run sent the file twice"
(loud bob forward "$REPORT" carol) >/dev/null 2>"$WORK/forward1.err" || fail "the forward failed: $(cat "$WORK/forward1.err")"
sed 's/^/  /' "$WORK/forward1.err" | grep uploading || true
grep -q "already on the server" "$WORK/forward1.err" || fail "the forward uploaded again: $(cat "$WORK/forward1.err")"
ok "nothing uploaded"

step "Bob's download is killed part way, and run again; Carol saves hers: each has Alice's file"
loud bob media get "$REPORT" --out "$WORK/bob-report.bin" >/dev/null 2>"$WORK/get1.err" &
GET=$!
# Killed once part of it is on disk (the partial file is named by the upload's hash).
for _ in $(seq 600); do
  part=$(compgen -G "$WORK/bob/media/*.part" || true)
  [ -n "$part" ] && [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.02
done
kill -KILL "$GET" 2>/dev/null; wait "$GET" 2>/dev/null || true
[ -e "$WORK/bob-report.bin" ] && fail "a killed download left a file under its final name"
(loud bob media get "$REPORT" --out "$WORK/bob-report.bin") >/dev/null 2>"$WORK/get2.err" ||
  fail "the second download failed: $(cat "$WORK/get2.err")"
sed 's/^/  /' "$WORK/get2.err" | grep downloading || fail "no progress line: $(cat "$WORK/get2.err")"
grep -q "went on from" "$WORK/get2.err" || fail "the second download started over"
[ "$(sha "$WORK/bob-report.bin")" = "$(sha "$WORK/report.bin")" ] || fail "Bob's copy differs"
compgen -G "$WORK/bob/media/*.part" >/dev/null && fail "the partial file was left behind"
show carol bob
FORWARDED=$(id_of report.bin)
as carol media get "$FORWARDED" --out "$WORK/carol-report.bin" >/dev/null
[ "$(sha "$WORK/carol-report.bin")" = "$(sha "$WORK/report.bin")" ] || fail "Carol's copy differs"
if ERR=$(as bob media get 12345 2>&1); then fail "a message id without an attachment was saved"; fi
grep -q "no message 12345 with an attachment" <<<"$ERR" || fail "unclear error: $ERR"
ok "the same SHA-256 on both; an unknown id is refused clearly"

step "Carol forwards it back to Bob: every recipient fetched it, so the server deleted it"
if ERR=$(as carol forward "$FORWARDED" bob 2>&1); then fail "a forward of a deleted blob without its file succeeded"; fi
grep -q "give its file with --file" <<<"$ERR" || fail "unclear error: $ERR"
(loud carol forward "$FORWARDED" bob --file "$WORK/carol-report.bin") >/dev/null 2>"$WORK/forward2.err" ||
  fail "the forward with the file failed: $(cat "$WORK/forward2.err")"
grep -q "already on the server" "$WORK/forward2.err" && fail "the deleted blob was not uploaded again"
show bob carol
AGAIN=$(id_of report.bin)
as bob media get "$AGAIN" --out "$WORK/bob-again.bin" >/dev/null
[ "$(sha "$WORK/bob-again.bin")" = "$(sha "$WORK/report.bin")" ] || fail "the uploaded-again copy differs"
ok "uploaded again from Carol's file, the same bytes"
echo
echo "1 passed, 0 failed"
