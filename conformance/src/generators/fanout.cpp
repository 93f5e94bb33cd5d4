// Generates spec/vectors/fanout.json (spec/test-vectors.md §3.17): the fan-out planner (spec §8.4)
// from device lists and sessions to a per-device plan, and from a server mismatch to a re-plan,
// including the requests and mismatches it must refuse.
#include <nlohmann/json.hpp>

#include "../fanout_json.h"
#include "generators.h"
#include "parley/crypto/x25519.h"

namespace parley::conformance::detail {

namespace {

namespace fanout = protocol::fanout;
using Json = nlohmann::ordered_json;
constexpr std::string_view kSeedName = "parley fanout v1";
constexpr std::uint64_t kAlice = 1001, kBob = 2002;

crypto::X25519PublicKey public_key(const LabelledSeed& seed, const std::string& label) {
  return crypto::x25519_key_pair_from_private(seed.x25519_private_key(label)).value().public_key;
}

std::vector<fanout::ListedDevice> listed(const LabelledSeed& seed, std::uint64_t account, std::uint32_t count) {
  std::vector<fanout::ListedDevice> out;
  for (std::uint32_t d = 1; d <= count; ++d)
    out.push_back({d, public_key(seed, "account-" + std::to_string(account) + "/device-" + std::to_string(d))});
  return out;
}

void with_sessions(fanout::FanoutRequest& r, std::uint64_t incarnation) {
  for (const auto& d : r.peer_devices) r.sessions.push_back({{r.peer_account, d.device}, d.identity_key, incarnation});
  for (const auto& d : r.own_devices)
    if (d.device != r.self.device) r.sessions.push_back({{r.self.account, d.device}, d.identity_key, incarnation});
}

core::Result<Json> make_case(const std::string& id, const std::string& description, const fanout::FanoutRequest& request,
                             const std::optional<fanout::Mismatch>& mismatch) {
  Json c{{"id", id}, {"description", description}, {"request", request_json(request)}};
  c["mismatch"] = mismatch ? mismatch_json(*mismatch) : Json(nullptr);
  c["plan"] = nullptr;
  c["replan"] = nullptr;
  c["error"] = nullptr;
  const auto planned = fanout::plan(request);
  if (!planned.ok()) {
    c["error"] = core::errc_name(planned.code());
    return c;
  }
  c["plan"] = plan_json(*planned);
  if (!mismatch) return c;
  const auto replanned = fanout::replan(*planned, request.self, *mismatch);
  if (!replanned.ok()) {
    c["error"] = core::errc_name(replanned.code());
    return c;
  }
  c["replan"] = replan_json(*replanned);
  return c;
}

}  // namespace

core::Result<std::string> generate_fanout() {
  const LabelledSeed seed(kSeedName);
  Json cases = Json::array();
  auto add = [&](const std::string& id, const std::string& description, const fanout::FanoutRequest& r,
                 std::optional<fanout::Mismatch> m = std::nullopt) -> core::Result<void> {
    PARLEY_TRY(auto c, make_case(id, description, r, m));
    cases.push_back(std::move(c));
    return {};
  };

  fanout::FanoutRequest five{{kAlice, 1}, kBob, listed(seed, kBob, 5), listed(seed, kAlice, 5), {}};
  with_sessions(five, 3);
  PARLEY_CHECK(add("five-by-five", "five devices each, every session held: nine encryptions, four of them wrapped", five));

  fanout::FanoutRequest one{{kAlice, 1}, kBob, listed(seed, kBob, 1), listed(seed, kAlice, 1), {}};
  with_sessions(one, 1);
  PARLEY_CHECK(add("one-by-one", "one device each: one encryption", one));

  auto peer_only = five;
  peer_only.copy_to_own_devices = false;
  PARLEY_CHECK(add("peer-devices-only", "a delivered receipt: Bob's five devices, none of ours", peer_only));

  fanout::FanoutRequest fresh{{kAlice, 2}, kBob, listed(seed, kBob, 3), listed(seed, kAlice, 2), {}};
  PARLEY_CHECK(add("no-sessions", "no sessions yet: every device needs its bundle, both accounts are fetched", fresh));

  auto changed = five;
  changed.peer_devices[1].identity_key = public_key(seed, "reinstalled");
  PARLEY_CHECK(add("identity-change", "Bob's device 2 reinstalled: surfaced, not encrypted to", changed));

  fanout::FanoutRequest self_note{{kAlice, 2}, kAlice, listed(seed, kAlice, 3), listed(seed, kAlice, 3), {}};
  with_sessions(self_note, 4);
  PARLEY_CHECK(add("note-to-self", "a message to our own account: our other devices, unwrapped", self_note));

  auto removed = five;
  removed.self.device = 7;
  PARLEY_CHECK(add("sender-not-listed", "the sending device is not in its own list (it was removed)", removed));

  PARLEY_CHECK(add("mismatch-replan", "the server reports Bob's device 6 missing, 5 extra, 2 stale", five,
                   fanout::Mismatch{kBob, {6}, {5}, {2}}));
  PARLEY_CHECK(add("mismatch-own-account", "the server reports our device 3 stale", five, fanout::Mismatch{kAlice, {}, {}, {3}}));
  PARLEY_CHECK(add("mismatch-contradiction", "a mismatch calling a device missing that was sent to", five,
                   fanout::Mismatch{kBob, {2}, {}, {}}));
  PARLEY_CHECK(add("mismatch-names-sender", "a mismatch naming the sending device", five, fanout::Mismatch{kAlice, {}, {1}, {}}));

  return vector_file_text("fanout",
                          "The fan-out planner (spec §8.4): a request (device lists and sessions) and its plan; a "
                          "server mismatch and its re-plan; error when either must be refused.",
                          seed, std::move(cases));
}

}  // namespace parley::conformance::detail
