// Generates spec/vectors/group-membership.json (spec/test-vectors.md §3.23): membership logs
// (spec §11.2) from fixed keys, each a creation and steps applied or received in turn with the
// state after each, and one case per way an entry is refused (forged, reordered, stale, forked,
// out of rights, past a limit), each with its error and the state it left unchanged.
#include <nlohmann/json.hpp>

#include "generators.h"
#include "parley/core/hex.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/groups/membership_log.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
namespace groups = protocol::groups;
using groups::MembershipChange;
constexpr std::string_view kSeedName = "parley group-membership v1";

// The accounts of one case: primaries and companions (device 2) from the seed, and a signing
// entropy stream from the seed too, so the file is the same on every run.
class Cast {
 public:
  Cast(const LabelledSeed& seed, std::string id) : seed_(seed), id_(std::move(id)), entropy_(stream_seed(seed, id_)) {}

  struct Account {
    crypto::X25519KeyPair primary, companion;
    protocol::devices::SignedDeviceIdentity companion_identity;
  };
  const Account& operator[](std::uint64_t account) {
    auto it = accounts_.find(account);
    if (it != accounts_.end()) return it->second;
    const auto label = id_ + "/account-" + std::to_string(account);
    Account a;
    a.primary = crypto::x25519_key_pair_from_private(seed_.x25519_private_key(label + "/primary")).value();
    a.companion = crypto::x25519_key_pair_from_private(seed_.x25519_private_key(label + "/companion")).value();
    a.companion_identity = protocol::devices::sign_device_identity({account, 2, 1, 1'900'000'000'000}, a.primary,
                                                                    a.companion, entropy_)
                               .value();
    return accounts_.emplace(account, std::move(a)).first->second;
  }
  groups::AccountKeys keys() {
    return [this](std::uint64_t account) -> std::optional<crypto::X25519PublicKey> {
      auto it = accounts_.find(account);
      if (it == accounts_.end()) return std::nullopt;
      return it->second.primary.public_key;
    };
  }
  Json account_keys() const {
    Json out = Json::array();
    for (const auto& [account, a] : accounts_)
      out.push_back({{"account", account}, {"key", core::to_hex(crypto::serialize_public_key(a.primary.public_key))}});
    return out;
  }
  core::Bytes sign(groups::MembershipEntry e, bool by_companion = false) {
    const auto& a = (*this)[e.author_account];
    e.author_device = by_companion ? 2 : 1;
    e.author_key = by_companion ? a.companion.public_key : a.primary.public_key;
    return groups::sign_membership_entry(e, by_companion ? a.companion : a.primary,
                                         by_companion ? std::optional(a.companion_identity) : std::nullopt, entropy_)
        .value();
  }
  // Signed bytes whose layout the log refuses: the signature is real, so only the layout can fail.
  core::Bytes sign_raw(const groups::MembershipEntry& e) {
    auto bytes = groups::encode_membership_entry(e);
    core::append(bytes, crypto::xeddsa_sign((*this)[e.author_account].primary.private_key, bytes, entropy_).value());
    return bytes;
  }
  core::Bytes creation(std::uint64_t creator, std::vector<std::uint64_t> members, std::string subject = "Lunch club") {
    groups::GroupMembership none;
    const auto id = seed_.derive(id_ + "/group", 16);
    std::copy(id.begin(), id.end(), none.group.begin());
    return sign(groups::next_membership_entry(none, MembershipChange::create, creator, 1, {}, std::move(members),
                                              std::move(subject), 1'900'000'000'000));
  }
  groups::MembershipEntry next(const groups::GroupMembership& s, MembershipChange change, std::uint64_t author,
                               std::vector<std::uint64_t> targets = {}, std::string subject = "") {
    return groups::next_membership_entry(s, change, author, 1, (*this)[author].primary.public_key, std::move(targets),
                                         std::move(subject), 1'900'000'000'000 + 1000 * s.version);
  }
  core::Bytes change(const groups::GroupMembership& s, MembershipChange change, std::uint64_t author,
                     std::vector<std::uint64_t> targets = {}, std::string subject = "", bool by_companion = false) {
    return sign(next(s, change, author, std::move(targets), std::move(subject)), by_companion);
  }

 private:
  static std::uint64_t stream_seed(const LabelledSeed& seed, const std::string& id) {
    const auto bytes = seed.derive(id + "/signing-entropy", 8);
    std::uint64_t v = 0;
    for (const auto b : bytes) v = (v << 8) | b;
    return v;
  }
  const LabelledSeed& seed_;
  std::string id_;
  crypto::StreamEntropy entropy_;
  std::map<std::uint64_t, Account> accounts_;
};

Json state_json(const groups::GroupMembership& s) {
  Json admins = Json::array(), members = Json::array();
  for (const auto& [account, role] : s.members) (role == groups::GroupRole::admin ? admins : members).push_back(account);
  return Json{{"version", s.version}, {"head", core::to_hex(s.head)}, {"subject", s.subject}, {"admins", admins},
              {"members", members}};
}

// Runs the steps of one case as the verifier will, recording each outcome.
class Recorder {
 public:
  Recorder(Cast& cast, core::Bytes creation) : cast_(cast), creation_(std::move(creation)) {
    log_.emplace(groups::MembershipLog::create(creation_, cast_.keys()).value());
  }
  groups::MembershipLog& log() { return *log_; }
  const groups::GroupMembership& state() const { return log_->state(); }

  // Applies (or receives) `entry` and records the outcome; `want` is what the case is about.
  core::Result<void> step(const core::Bytes& entry, const char* via, std::optional<core::Errc> want, std::string note) {
    Json s{{"note", std::move(note)}, {"via", via}, {"entry", core::to_hex(entry)}};
    const bool receive = std::string_view(via) == "receive";
    core::Result<std::size_t> got = std::size_t{0};
    if (receive) {
      got = log_->receive(entry, cast_.keys());
    } else if (auto applied = log_->apply(entry, cast_.keys()); !applied.ok()) {
      got = applied.error();
    }
    if (got.ok() != !want || (!got.ok() && got.code() != *want))
      return core::make_error(core::Errc::internal, "group-membership: a step did not do what its case says");
    s["error"] = got.ok() ? Json(nullptr) : Json(core::errc_name(got.code()));
    if (receive && got.ok()) s["applied"] = *got;
    s["held"] = log_->held();
    s["state"] = state_json(log_->state());
    steps_.push_back(std::move(s));
    return {};
  }
  Json finish(std::string id, std::string description) {
    Json c{{"id", std::move(id)}, {"description", std::move(description)}};
    c["account_keys"] = cast_.account_keys();
    c["creation"] = core::to_hex(creation_);
    c["creation_error"] = nullptr;
    c["steps"] = std::move(steps_);
    return c;
  }

 private:
  Cast& cast_;
  core::Bytes creation_;
  std::optional<groups::MembershipLog> log_;
  Json steps_ = Json::array();
};

using Errc = core::Errc;
constexpr auto kAdd = MembershipChange::add;
constexpr auto kRemove = MembershipChange::remove;
constexpr auto kLeave = MembershipChange::leave;
constexpr auto kPromote = MembershipChange::promote;
constexpr auto kDemote = MembershipChange::demote;
constexpr auto kSubject = MembershipChange::subject;

core::Result<Json> history(const LabelledSeed& seed) {
  Cast cast(seed, "history");
  Recorder r(cast, cast.creation(1001, {1002, 1003}));
  PARLEY_CHECK(r.step(cast.change(r.state(), kAdd, 1001, {1005, 1004}), "apply", {}, "the admin adds two accounts"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kPromote, 1001, {1002}, "", true), "apply", {}, "the admin's companion promotes 1002"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kSubject, 1002, {}, "Lunch club (Fridays)"), "apply", {}, "the new admin renames it"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kRemove, 1002, {1004}), "apply", {}, "the new admin removes 1004"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kDemote, 1002, {1001}), "apply", {}, "and demotes the creator"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kLeave, 1003), "apply", {}, "a member leaves"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kLeave, 1002), "apply", {}, "the last admin leaves: 1001, the lowest account, takes over"));
  return r.finish("history", "every change, each applied in order, with the state after it");
}

core::Result<Json> out_of_order(const LabelledSeed& seed) {
  Cast cast(seed, "out-of-order");
  const auto creation = cast.creation(2001, {2002});
  auto full = groups::MembershipLog::create(creation, cast.keys()).value();
  std::vector<core::Bytes> entries;
  for (const auto& [change, author, targets, subject] :
       {std::tuple{kAdd, 2001, std::vector<std::uint64_t>{2003}, ""}, std::tuple{kPromote, 2001, std::vector<std::uint64_t>{2003}, ""},
        std::tuple{kSubject, 2003, std::vector<std::uint64_t>{}, "renamed"}, std::tuple{kRemove, 2003, std::vector<std::uint64_t>{2002}, ""}}) {
    entries.push_back(cast.change(full.state(), change, author, targets, subject));
    if (!full.apply(entries.back(), cast.keys()).ok()) return core::make_error(Errc::internal, "out-of-order: history");
  }
  Recorder r(cast, creation);
  PARLEY_CHECK(r.step(entries[3], "receive", {}, "version 5 first: held"));
  PARLEY_CHECK(r.step(entries[1], "receive", {}, "version 3: held"));
  PARLEY_CHECK(r.step(entries[1], "receive", {}, "version 3 again: nothing"));
  PARLEY_CHECK(r.step(entries[0], "receive", {}, "version 2: it and the held 3 apply"));
  PARLEY_CHECK(r.step(entries[0], "receive", {}, "version 2 again: nothing"));
  PARLEY_CHECK(r.step(entries[2], "receive", {}, "version 4: it and the held 5 apply"));
  PARLEY_CHECK(r.step(entries[3], "apply", {}, "version 5 applied again: nothing"));
  return r.finish("out-of-order", "entries received in another order, some twice: the same membership as in order");
}

core::Result<Json> refusals(const LabelledSeed& seed) {
  Cast cast(seed, "refusals");
  Recorder r(cast, cast.creation(3001, {3002, 3003}));
  const auto v1 = r.state();
  (void)cast[3009];  // an account the verifier knows that is not in the group
  const auto add = cast.change(v1, kAdd, 3001, {3004});
  PARLEY_CHECK(r.step(cast.change(v1, kAdd, 3002, {3004}), "apply", Errc::unauthorized, "a member who is not an admin adds"));
  PARLEY_CHECK(r.step(cast.change(v1, kLeave, 3009), "apply", Errc::unauthorized, "an account not in the group leaves"));
  PARLEY_CHECK(r.step(cast.change(v1, kAdd, 3001, {3002}), "apply", Errc::conflict, "adding a member"));
  PARLEY_CHECK(r.step(cast.change(v1, kRemove, 3001, {3009}), "apply", Errc::conflict, "removing a non-member"));
  PARLEY_CHECK(r.step(cast.change(v1, kPromote, 3001, {3009}), "apply", Errc::conflict, "promoting a non-member"));
  PARLEY_CHECK(r.step(cast.change(v1, kDemote, 3001, {3002}), "apply", Errc::conflict, "demoting a non-admin"));
  {
    // The server's own key under the admin's account, as primary and as companion.
    Cast server(seed, "refusals/server");
    (void)server[3001];
    auto forged = server.next(v1, kAdd, 3001, {3066});
    PARLEY_CHECK(r.step(server.sign(forged), "apply", Errc::untrusted_identity, "the server signs for the admin's primary"));
    PARLEY_CHECK(r.step(server.sign(forged, true), "apply", Errc::bad_signature, "the server vouches for a companion of the admin"));
    PARLEY_CHECK(r.step(server.change(v1, kAdd, 3077, {3066}), "apply", Errc::not_found, "an author account the verifier has no key for"));
  }
  auto bent = add;
  bent[bent.size() - 1] ^= 0x01;
  PARLEY_CHECK(r.step(bent, "apply", Errc::bad_signature, "the admin's entry with a bit of its signature changed"));
  auto bent_target = add;
  bent_target[bent_target.size() - crypto::kSignatureSize - 1] ^= 0x01;
  PARLEY_CHECK(r.step(bent_target, "apply", Errc::bad_signature, "the admin's entry with its target changed"));
  auto skipped = cast.next(v1, kAdd, 3001, {3005});
  skipped.version = 3;
  PARLEY_CHECK(r.step(cast.sign(skipped), "apply", Errc::too_far_in_future, "version 3 before version 2"));
  PARLEY_CHECK(r.step(add, "apply", {}, "the admin adds 3004"));
  PARLEY_CHECK(r.step(add, "apply", {}, "the same entry again: nothing"));
  PARLEY_CHECK(r.step(cast.change(v1, kAdd, 3001, {3005}), "apply", Errc::conflict, "another entry at version 2: a fork"));
  auto stale = cast.next(r.state(), kAdd, 3001, {3005});
  stale.previous = v1.head;
  PARLEY_CHECK(r.step(cast.sign(stale), "apply", Errc::conflict, "version 3 naming the creation as its previous entry"));
  auto other_group = cast.next(r.state(), kAdd, 3001, {3005});
  other_group.group[0] ^= 0xff;
  PARLEY_CHECK(r.step(cast.sign(other_group), "apply", Errc::malformed, "an entry of another group"));
  auto long_subject = cast.next(r.state(), kSubject, 3001, {}, std::string(groups::kMaxGroupSubject + 1, 's'));
  PARLEY_CHECK(r.step(cast.sign_raw(long_subject), "apply", Errc::limit_exceeded, "a subject of 101 bytes"));
  auto unsorted = cast.next(r.state(), kRemove, 3001, {});
  unsorted.targets = {3003, 3002};
  PARLEY_CHECK(r.step(cast.sign_raw(unsorted), "apply", Errc::malformed, "targets not in ascending order"));
  auto companion_bare = cast.change(r.state(), kAdd, 3001, {3005}, "", true);
  companion_bare.resize(companion_bare.size() - protocol::devices::kSignedDeviceIdentitySize);
  PARLEY_CHECK(r.step(companion_bare, "apply", Errc::malformed, "a companion's entry without its signed device identity"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kAdd, 3001, {3005}, "", true), "apply", {}, "the admin's companion adds 3005"));
  return r.finish("refusals", "each way an entry is refused, with its error; a refused entry changes nothing");
}

core::Result<Json> limits(const LabelledSeed& seed) {
  Cast cast(seed, "limits");
  std::vector<std::uint64_t> others;
  for (std::uint64_t a = 2; a <= groups::kMaxGroupMembers; ++a) others.push_back(a);
  Recorder r(cast, cast.creation(1, others));
  PARLEY_CHECK(r.step(cast.change(r.state(), kAdd, 1, {5000}), "apply", Errc::limit_exceeded, "a member past 1024"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kRemove, 1, {2}), "apply", {}, "one out"));
  PARLEY_CHECK(r.step(cast.change(r.state(), kAdd, 1, {5000}), "apply", {}, "the 1024th member"));
  return r.finish("limits", "a group of kMaxGroupMembers (1024) accounts: one more is refused, one after a removal is not");
}

core::Result<Json> held(const LabelledSeed& seed) {
  Cast cast(seed, "held");
  const auto creation = cast.creation(1, {});
  auto full = groups::MembershipLog::create(creation, cast.keys()).value();
  std::vector<core::Bytes> entries;
  for (std::size_t i = 0; i < groups::kMaxHeldMembershipEntries + 2; ++i) {
    entries.push_back(cast.change(full.state(), kSubject, 1, {}, "subject " + std::to_string(i)));
    if (!full.apply(entries.back(), cast.keys()).ok()) return core::make_error(Errc::internal, "held: history");
  }
  Recorder r(cast, creation);
  for (std::size_t i = 1; i <= groups::kMaxHeldMembershipEntries; ++i)
    PARLEY_CHECK(r.step(entries[i], "receive", {}, "held"));
  PARLEY_CHECK(r.step(entries.back(), "receive", Errc::limit_exceeded, "one more entry ahead than a log holds"));
  PARLEY_CHECK(r.step(entries[0], "receive", {}, "the gap filled: everything held applies"));
  PARLEY_CHECK(r.step(entries.back(), "receive", {}, "the last one now applies"));
  return r.finish("held", "kMaxHeldMembershipEntries (64) entries held ahead of a gap, and one more");
}

core::Result<Json> bad_creation(const LabelledSeed& seed, const std::string& id) {
  Cast cast(seed, id);
  core::Bytes creation;
  Errc error = Errc::malformed;
  std::string description;
  if (id == "creation-forged") {
    Cast server(seed, id + "/server");
    (void)cast[4001];
    creation = server.creation(4001, {4002});
    error = Errc::untrusted_identity;
    description = "a creation signed by a key that is not the creator's account key";
  } else {
    const auto real = cast.creation(4001, {4002});
    auto log = groups::MembershipLog::create(real, cast.keys()).value();
    creation = cast.change(log.state(), kAdd, 4001, {4003});
    description = "a log that starts with an add";
  }
  const auto got = groups::MembershipLog::create(creation, cast.keys());
  if (got.ok() || got.code() != error) return core::make_error(Errc::internal, "group-membership: " + id + " was not refused");
  Json c{{"id", id}, {"description", description}};
  c["account_keys"] = cast.account_keys();
  c["creation"] = core::to_hex(creation);
  c["creation_error"] = core::errc_name(error);
  c["steps"] = Json::array();
  return c;
}

}  // namespace

core::Result<std::string> generate_group_membership() {
  const LabelledSeed seed(kSeedName);
  Json cases = Json::array();
  PARLEY_TRY(auto h, history(seed));
  cases.push_back(std::move(h));
  PARLEY_TRY(auto o, out_of_order(seed));
  cases.push_back(std::move(o));
  PARLEY_TRY(auto f, refusals(seed));
  cases.push_back(std::move(f));
  PARLEY_TRY(auto l, limits(seed));
  cases.push_back(std::move(l));
  PARLEY_TRY(auto held_case, held(seed));
  cases.push_back(std::move(held_case));
  for (const std::string id : {"creation-forged", "creation-not-first"}) {
    PARLEY_TRY(auto c, bad_creation(seed, id));
    cases.push_back(std::move(c));
  }
  return vector_file_text("group-membership",
                          "Membership logs (spec §11.2): the account keys the verifier trusts, a creation entry, and "
                          "steps each applied or received with its error (null for success), how many entries it "
                          "applied (receive), how many are held, and the group's state after it.",
                          seed, std::move(cases));
}

}  // namespace parley::conformance::detail
