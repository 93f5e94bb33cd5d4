// Type `fingerprint` (spec/test-vectors.md §3.18, §3.19): safety numbers (spec §8.7).
// kind `pair` (or no kind: libsignal's external vector): the 60 digits from both sides' stable ids
// and keys, computed both ways round (it must not depend on which side asks), and, when the case
// has them, each side's scannable code, which the other side must accept.
// kind `scanned`: what the local side answers when it scans the case's bytes.
#include "checks.h"
#include "parley/protocol/scannable_fingerprint.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

// FingerprintSide views its id, so Sides owns the ids and hands out sides that view them.
struct Sides {
  std::string local_id, remote_id;
  crypto::X25519PublicKey local_key{}, remote_key{};
  std::uint32_t iterations = 0;
  std::uint32_t version = protocol::kScannableFingerprintVersion;
  protocol::FingerprintSide local() const { return {local_id, local_key}; }
  protocol::FingerprintSide remote() const { return {remote_id, remote_key}; }
};

core::Result<crypto::X25519PublicKey> read_key(const Case& c, const char* field) {
  PARLEY_TRY(const auto bytes, c.bytes(field));
  auto key = crypto::parse_public_key(bytes);
  if (!key.ok()) return c.field_error(field, "not a serialized public key: " + key.error().detail);
  return *key;
}

// A Parley case may say which account a side is: its stable id is then the account id in decimal.
core::Result<void> check_account(const Case& c, const char* account_field, const std::string& stable_id) {
  if (!c.has(account_field)) return {};
  PARLEY_TRY(const auto account, c.uint(account_field));
  if (protocol::account_stable_id(account) != stable_id)
    return c.field_error(account_field, "the stable id is not this account id in decimal");
  return {};
}

core::Result<Sides> read_sides(const Case& c) {
  Sides s;
  PARLEY_TRY(const auto iterations, c.uint("iterations"));
  if (iterations == 0 || iterations > 100'000) return c.field_error("iterations", "must be 1 to 100,000");
  s.iterations = static_cast<std::uint32_t>(iterations);
  PARLEY_TRY(s.local_id, c.string("local_stable_id"));
  PARLEY_TRY(s.remote_id, c.string("remote_stable_id"));
  PARLEY_CHECK(check_account(c, "local_account", s.local_id));
  PARLEY_CHECK(check_account(c, "remote_account", s.remote_id));
  PARLEY_TRY(s.local_key, read_key(c, "local_identity_key"));
  PARLEY_TRY(s.remote_key, read_key(c, "remote_identity_key"));
  if (c.has("scannable_version")) {
    PARLEY_TRY(const auto version, c.uint("scannable_version"));
    if (version > UINT32_MAX) return c.field_error("scannable_version", "over 32 bits");
    s.version = static_cast<std::uint32_t>(version);
  }
  return s;
}

core::Result<Outcome> verify_scannable_pair(const Case& c, const Sides& s) {
  PARLEY_TRY(const auto local_code, c.bytes("local_scannable"));
  PARLEY_TRY(const auto remote_code, c.bytes("remote_scannable"));
  const auto ours = protocol::scannable_fingerprint(s.local(), s.remote(), s.iterations, s.version);
  if (auto o = compare("local_scannable", local_code, ours); failed(o)) return o;
  const auto theirs = protocol::scannable_fingerprint(s.remote(), s.local(), s.iterations, s.version);
  if (auto o = compare("remote_scannable", remote_code, theirs); failed(o)) return o;
  const auto local_accepts = protocol::compare_scannable(s.local(), s.remote(), remote_code, s.iterations, s.version);
  if (!local_accepts.ok()) return unexpected_error("local scanning remote_scannable", local_accepts.error());
  const auto remote_accepts = protocol::compare_scannable(s.remote(), s.local(), local_code, s.iterations, s.version);
  if (!remote_accepts.ok()) return unexpected_error("remote scanning local_scannable", remote_accepts.error());
  if (!*local_accepts || !*remote_accepts) return Outcome::fail("the two sides' scannable codes do not match crosswise");
  return Outcome::pass();
}

core::Result<Outcome> verify_pair(const Case& c, const Sides& s) {
  PARLEY_TRY(const auto display, c.string("display"));
  const auto ours = protocol::safety_number(s.local(), s.remote(), s.iterations);
  if (ours != display) return Outcome::fail("display: expected " + display + ", got " + ours);
  if (protocol::safety_number(s.remote(), s.local(), s.iterations) != display)
    return Outcome::fail("display differs when computed by the other side");
  const bool has_local = c.has("local_scannable"), has_remote = c.has("remote_scannable");
  if (has_local != has_remote) return c.field_error("local_scannable", "needs remote_scannable, and the other way round");
  if (has_local) return verify_scannable_pair(c, s);
  return Outcome::pass();
}

core::Result<Outcome> verify_scanned(const Case& c, const Sides& s) {
  PARLEY_TRY(const auto scanned, c.bytes("scanned"));
  const auto answer = protocol::compare_scannable(s.local(), s.remote(), scanned, s.iterations, s.version);
  if (!answer.ok()) return judge_expected_error(c, answer.error());
  PARLEY_TRY(const auto expected_error, c.optional_errc("error"));
  if (expected_error) return Outcome::fail("expected " + std::string(core::errc_name(*expected_error)) + ", it succeeded");
  PARLEY_TRY(const auto match, c.boolean("match"));
  if (*answer != match) return Outcome::fail(std::string("match: expected ") + (match ? "true" : "false"));
  return Outcome::pass();
}

}  // namespace

core::Result<Outcome> verify_fingerprint(const Case& c) {
  PARLEY_TRY(const auto kind, c.optional_string("kind"));
  if (kind && *kind != "pair" && *kind != "scanned") return unsupported_kind(*kind);
  PARLEY_TRY(const auto sides, read_sides(c));
  if (kind && *kind == "scanned") return verify_scanned(c, sides);
  return verify_pair(c, sides);
}

}  // namespace parley::conformance::detail
