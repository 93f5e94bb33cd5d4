// parley safety-number CONTACT: the 60 digits both people see (spec §8.7), computed over each
// account's key as the verified device lists name it, so that companions do not change it.
#include "command_run.h"  // first: Asio

#include <iostream>

#include "commands.h"
#include "parley/client/qr_code.h"
#include "parley/core/hex.h"
#include "parley/protocol/fingerprint.h"
#include "parley/protocol/scannable_fingerprint.h"

namespace parley::cli {

namespace {

// Twelve groups of five, four to a line, as Signal shows them.
std::string grouped(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); i += 5) {
    out += digits.substr(i, 5);
    out += (i / 5 % 4 == 3) ? "\n" : " ";
  }
  return out;
}

struct SafetyArgs {
  std::string contact;
  std::string compare;  // the other person's scannable code, in hex
  bool qr = false;
};

asio::awaitable<int> safety_number(Profile& profile, const Terminal& term, SafetyArgs args) {
  const auto& contact = args.contact;
  auto peer = profile.resolve(contact);
  if (!peer.ok()) {
    term.error("no safety number", peer.error());
    co_return 1;
  }
  CommandRun s{profile, term, nullptr};
  if (!co_await s.connect()) co_return 1;
  term.progress("fetching and verifying " + profile.name_of(*peer) + "'s device list");
  auto theirs = co_await s.client->device_list(*peer);
  if (!theirs.ok()) {
    term.error("cannot verify " + profile.name_of(*peer) + "'s key", theirs.error());
    co_return 1;
  }
  const auto& me = s.client->identity();
  const auto mine_id = protocol::account_stable_id(me.account), theirs_id = protocol::account_stable_id(*peer);
  const protocol::FingerprintSide local{mine_id, me.account_key}, remote{theirs_id, theirs->account_key};
  co_await s.finish();
  if (!args.compare.empty()) {
    // What the camera read from the other person's screen.
    auto scanned = core::from_hex(args.compare);
    auto same = scanned.ok() ? protocol::compare_scannable(local, remote, *scanned) : core::Result<bool>(scanned.error());
    if (!same.ok()) {
      term.error("that is not a Parley safety code", same.error());
      co_return 1;
    }
    std::cout << (*same ? "Match: " + profile.name_of(*peer) + "'s code shows the same keys as yours.\n"
                        : "NO MATCH: " + profile.name_of(*peer) + "'s code shows other keys. Someone may be in the middle.\n")
              << std::flush;
    co_return *same ? 0 : 3;
  }
  std::cout << "Safety number with " << profile.name_of(*peer) << " (account " << *peer << "):\n\n"
            << grouped(protocol::safety_number(local, remote))
            << "\nIt is the same on both sides; compare it in person or over a call.\n";
  const auto code = protocol::scannable_fingerprint(local, remote);
  if (args.qr) {
    if (auto qr = client::QrCode::encode_bytes(code); qr.ok()) std::cout << "\n" << qr->text() << "\n";
  }
  std::cout << "Scannable code: " << core::to_hex(code) << "\n(the other side checks it with `parley safety-number "
            << "CONTACT --compare CODE`)\n"
            << std::flush;
  co_return 0;
}

}  // namespace

void add_safety_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("safety-number", "the number to compare with a contact to rule out a man in the middle");
  auto args = std::make_shared<SafetyArgs>();
  cmd->add_option("CONTACT", args->contact, "a contact's name or an account number")->required();
  cmd->add_flag("--qr", args->qr, "also draw the scannable code as a QR code");
  cmd->add_option("--compare", args->compare,
                  "the other side's scannable code (hex, as scanned): exit 0 on a match, 3 when it differs");
  on_command(cmd, action, [args](Profile& p, const Terminal& t) { return safety_number(p, t, *args); });
}

}  // namespace parley::cli
