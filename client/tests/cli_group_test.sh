#!/usr/bin/env bash
# Groups through the `parley` command line against a real server (spec §11.3): Alice makes a group
# of Bob (phone and laptop, linked by QR code) and Carol; every device reads Alice's message in the
# group's chat, and Bob's laptop answers; Carol is removed and reads nothing sent after; Dave joins
# and reads nothing sent before; `parley group info` and `parley groups` show the membership; a
# member who is no admin cannot add anyone.
#
# Usage: cli_group_test.sh BIN_DIR (the tree whose parley and parley-server to run)
set -euo pipefail
cd "$(dirname "$0")/../.."
PARLEY_BIN=${1:?usage: cli_group_test.sh BIN_DIR}
source scripts/cli-lib.sh

group_show() {
  SHOWN=$(as "$1" chat Hiking --group --once) || fail "$1 could not open the group's chat"
  echo "  $1's screen:"
  sed 's/^/    │ /' <<<"$SHOWN"
  SHOWN=$(strip <<<"$SHOWN")
}
has() { grep -qF -- "$2" <<<"$SHOWN" || fail "$1 does not show \"$2\":"$'\n'"$SHOWN"; }
lacks() { grep -qF -- "$2" <<<"$SHOWN" && fail "$1 shows \"$2\", sent outside its membership:"$'\n'"$SHOWN"; return 0; }

step "Alice, Bob (phone and laptop), Carol and Dave"
start_server
new_account alice; ALICE=$ACCOUNT
new_account bob-phone; BOB=$ACCOUNT
link_by_qr bob-phone bob-laptop
new_account carol; CAROL=$ACCOUNT
new_account dave; DAVE=$ACCOUNT
for c in "bob $BOB" "carol $CAROL" "dave $DAVE"; do as alice contacts add $c >/dev/null; done
for d in bob-phone bob-laptop carol dave; do as $d contacts add alice "$ALICE" >/dev/null; done

step "Alice makes the group and writes to it"
as alice group create Hiking bob carol | sed 's/^/  /'
as alice send --group Hiking "hello hikers" | sed 's/^/  /'
for d in bob-phone bob-laptop carol; do group_show $d; has $d "hello hikers"; done
ok "every member device reads it"

step "Bob's laptop answers; a member who is no admin cannot add anyone"
as bob-laptop send --group Hiking "count me in" | sed 's/^/  /'
group_show alice; has alice "count me in"
group_show carol; has carol "count me in"
if as carol group add Hiking "$DAVE" 2>"$WORK/add.err"; then fail "Carol, no admin, added Dave"; fi
grep -q "unauthorized" "$WORK/add.err" || fail "no reason given: $(cat "$WORK/add.err")"
ok "refused: $(head -1 "$WORK/add.err")"

step "Carol is removed: nothing sent after reaches her"
as alice group remove Hiking carol | sed 's/^/  /'
as alice send --group Hiking "carol has left" | sed 's/^/  /'
as bob-phone send --group Hiking "see you saturday" | sed 's/^/  /'
group_show carol; lacks carol "carol has left"; lacks carol "see you saturday"
group_show bob-laptop; has bob-laptop "carol has left"; has bob-laptop "see you saturday"
ok "Carol's device got nothing new"

step "Dave joins: he reads what follows, not what came before"
as alice group add Hiking dave | sed 's/^/  /'
as alice send --group Hiking "welcome dave" | sed 's/^/  /'
group_show dave; has dave "welcome dave"; lacks dave "hello hikers"; lacks dave "count me in"
ok "no history for the newcomer"

step "The membership as each verified it"
INFO=$(as bob-phone group info Hiking | strip)
sed 's/^/  │ /' <<<"$INFO"
grep -q "membership version: 3" <<<"$INFO" || fail "Bob's membership is not at version 3"
grep -q "alice (admin)" <<<"$INFO" || fail "Alice is not shown as the admin"
MEMBERS=$(grep "members:" <<<"$INFO")
grep -q "account $DAVE" <<<"$MEMBERS" || fail "Dave is not shown"
grep -q "account $CAROL" <<<"$MEMBERS" && fail "Carol is still shown"
grep -q "you" <<<"$MEMBERS" || fail "Bob is not shown as you"
as alice groups | sed 's/^/  /'
stop_server
echo; echo "cli_group_test: 1 passed, 0 failed"
