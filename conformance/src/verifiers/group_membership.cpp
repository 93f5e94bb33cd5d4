// Type `group-membership` (spec/test-vectors.md §3.23): membership logs (spec §11.2). The log starts
// from `creation` (or must refuse it with `creation_error`) under the case's account keys; each step
// applies or receives its entry and must give exactly its error (or succeed, applying `applied`
// entries for a receive), leave `held` entries waiting, and leave the group in `state`.
#include <map>
#include <nlohmann/json.hpp>

#include "checks.h"
#include "parley/core/hex.h"
#include "parley/protocol/groups/membership_log.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

namespace groups = protocol::groups;

core::Result<std::map<std::uint64_t, crypto::X25519PublicKey>> read_keys(const Case& c) {
  PARLEY_TRY(const auto entries, children(c, "account_keys"));
  std::map<std::uint64_t, crypto::X25519PublicKey> keys;
  for (const auto& e : entries) {
    PARLEY_TRY(const auto account, e.uint("account"));
    PARLEY_TRY(const auto bytes, e.bytes("key"));
    auto key = crypto::parse_public_key(bytes);
    if (!key.ok()) return e.field_error("key", "not a serialized public key: " + key.error().detail);
    keys[account] = *key;
  }
  return keys;
}

core::Result<std::vector<std::uint64_t>> read_accounts(const Case& state, const char* field) {
  const auto& object = state.json();
  if (!object.contains(field) || !object[field].is_array()) return state.field_error(field, "not an array of accounts");
  std::vector<std::uint64_t> out;
  for (const auto& a : object[field]) {
    if (!a.is_number_unsigned()) return state.field_error(field, "not an array of accounts");
    out.push_back(a.get<std::uint64_t>());
  }
  return out;
}

// The state the step says, against the log's.
core::Result<Outcome> compare_state(const Case& step, const groups::GroupMembership& s) {
  PARLEY_TRY(const auto state, child(step, "state"));
  PARLEY_TRY(const auto version, state.uint("version"));
  if (version != s.version) return Outcome::fail("version: expected " + std::to_string(version) + ", got " + std::to_string(s.version));
  PARLEY_TRY(const auto head, state.bytes("head"));
  if (auto o = compare("head", head, s.head); failed(o)) return o;
  PARLEY_TRY(const auto subject, state.string("subject"));
  if (subject != s.subject) return Outcome::fail("subject: expected '" + subject + "', got '" + s.subject + "'");
  PARLEY_TRY(const auto admins, read_accounts(state, "admins"));
  PARLEY_TRY(const auto members, read_accounts(state, "members"));
  std::map<std::uint64_t, groups::GroupRole> expected;
  for (const auto a : admins) expected[a] = groups::GroupRole::admin;
  for (const auto m : members) expected[m] = groups::GroupRole::member;
  if (expected.size() != admins.size() + members.size()) return state.field_error("members", "an account listed twice");
  if (expected != s.members) return Outcome::fail("the members or their roles differ from the log's");
  return Outcome::pass();
}

core::Result<Outcome> run_step(const Case& step, groups::MembershipLog& log, const groups::AccountKeys& keys) {
  PARLEY_TRY(const auto entry, step.bytes("entry"));
  PARLEY_TRY(const auto via, step.string("via"));
  PARLEY_TRY(const auto expected_error, step.optional_errc("error"));
  core::Result<std::size_t> got = std::size_t{0};
  if (via == "receive") {
    got = log.receive(entry, keys);
  } else if (via == "apply") {
    auto applied = log.apply(entry, keys);
    if (!applied.ok()) got = applied.error();
  } else {
    return step.field_error("via", "must be apply or receive");
  }
  if (!got.ok()) {
    if (!expected_error) return unexpected_error(via, got.error());
    if (got.code() != *expected_error)
      return Outcome::fail(std::string("expected ") + std::string(core::errc_name(*expected_error)) + ", got " +
                           std::string(core::errc_name(got.code())) + ": " + got.error().detail);
  } else {
    if (expected_error) return Outcome::fail("expected " + std::string(core::errc_name(*expected_error)) + ", it succeeded");
    if (via == "receive") {
      PARLEY_TRY(const auto applied, step.uint("applied"));
      if (applied != *got) return Outcome::fail("applied: expected " + std::to_string(applied) + ", got " + std::to_string(*got));
    }
  }
  PARLEY_TRY(const auto held, step.uint("held"));
  if (held != log.held()) return Outcome::fail("held: expected " + std::to_string(held) + ", got " + std::to_string(log.held()));
  return compare_state(step, log.state());
}

}  // namespace

core::Result<Outcome> verify_group_membership(const Case& c) {
  PARLEY_TRY(const auto keys_by_account, read_keys(c));
  const groups::AccountKeys keys = [&](std::uint64_t account) -> std::optional<crypto::X25519PublicKey> {
    const auto it = keys_by_account.find(account);
    if (it == keys_by_account.end()) return std::nullopt;
    return it->second;
  };
  PARLEY_TRY(const auto creation, c.bytes("creation"));
  PARLEY_TRY(const auto creation_error, c.optional_errc("creation_error"));
  auto log = groups::MembershipLog::create(creation, keys);
  if (!log.ok()) {
    if (!creation_error) return unexpected_error("create", log.error());
    if (log.code() != *creation_error)
      return Outcome::fail(std::string("creation: expected ") + std::string(core::errc_name(*creation_error)) + ", got " +
                           std::string(core::errc_name(log.code())));
    return Outcome::pass();
  }
  if (creation_error) return Outcome::fail("creation: expected " + std::string(core::errc_name(*creation_error)) + ", it succeeded");
  PARLEY_TRY(const auto steps, children(c, "steps"));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    PARLEY_TRY(const auto outcome, run_step(steps[i], *log, keys));
    if (failed(outcome)) return Outcome::fail("step " + std::to_string(i) + ": " + outcome.reason);
  }
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
