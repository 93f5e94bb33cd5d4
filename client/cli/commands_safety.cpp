// parley safety-number CONTACT: the 60 digits both people see (spec §8.7), computed over each
// account's key as the verified device lists name it, so that companions do not change it.
#include "session.h"  // first: Asio

#include <iostream>

#include "commands.h"
#include "parley/protocol/fingerprint.h"

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

asio::awaitable<int> safety_number(Profile& profile, const Terminal& term, std::string contact) {
  auto peer = profile.resolve(contact);
  if (!peer.ok()) {
    term.error("no safety number", peer.error());
    co_return 1;
  }
  Session s{profile, term, nullptr};
  if (!co_await s.connect()) co_return 1;
  term.progress("fetching and verifying " + profile.name_of(*peer) + "'s device list");
  auto theirs = co_await s.client->device_list(*peer);
  if (!theirs.ok()) {
    term.error("cannot verify " + profile.name_of(*peer) + "'s key", theirs.error());
    co_return 1;
  }
  const auto& me = s.client->identity();
  const auto mine_id = protocol::account_stable_id(me.account), theirs_id = protocol::account_stable_id(*peer);
  const auto number = protocol::safety_number({mine_id, me.account_key}, {theirs_id, theirs->account_key});
  std::cout << "Safety number with " << profile.name_of(*peer) << " (account " << *peer << "):\n\n"
            << grouped(number) << "\nIt is the same on both sides; compare it in person or over a call.\n"
            << std::flush;
  co_await s.finish();
  co_return 0;
}

}  // namespace

void add_safety_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("safety-number", "the number to compare with a contact to rule out a man in the middle");
  auto contact = std::make_shared<std::string>();
  cmd->add_option("CONTACT", *contact, "a contact's name or an account number")->required();
  cmd->callback([&action, contact] {
    action = [contact](Profile& p, const Terminal& t) { return run([&] { return safety_number(p, t, *contact); }); };
  });
}

}  // namespace parley::cli
