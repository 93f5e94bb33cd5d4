// Generates spec/vectors/fingerprint.json (spec/test-vectors.md §3.19): Parley's safety numbers
// (spec §8.7) for pairs of accounts, the 60 digits and each side's scannable code; and what a
// scanner must answer for codes that match, do not match, or are not a code of this version.
#include <nlohmann/json.hpp>

#include "generators.h"
#include "parley/core/hex.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/scannable_fingerprint.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
namespace protocol = parley::protocol;
constexpr std::string_view kSeedName = "parley fingerprint v1";

// An account's key pair is labelled by the account (and a name when it is replaced), not by the
// case, so the same account has the same key in every case it appears in.
crypto::X25519PublicKey account_key(const LabelledSeed& seed, const std::string& label) {
  return crypto::x25519_key_pair_from_private(seed.x25519_private_key(label + "/identity")).value().public_key;
}

struct Account {
  std::uint64_t id = 0;
  crypto::X25519PublicKey key{};
  std::string stable_id() const { return protocol::account_stable_id(id); }
};

Json sides_json(const std::string& id, const std::string& kind, const std::string& description, const Account& local,
                const Account& remote) {
  return {{"id", id},
          {"kind", kind},
          {"description", description},
          {"iterations", protocol::kFingerprintIterations},
          {"local_account", local.id},
          {"local_stable_id", local.stable_id()},
          {"local_identity_key", core::to_hex(crypto::serialize_public_key(local.key))},
          {"remote_account", remote.id},
          {"remote_stable_id", remote.stable_id()},
          {"remote_identity_key", core::to_hex(crypto::serialize_public_key(remote.key))},
          {"scannable_version", protocol::kScannableFingerprintVersion}};
}

Json pair_case(const std::string& id, const std::string& description, const Account& local, const Account& remote) {
  auto c = sides_json(id, "pair", description, local, remote);
  const auto local_id = local.stable_id(), remote_id = remote.stable_id();
  const protocol::FingerprintSide l{local_id, local.key}, r{remote_id, remote.key};
  c["display"] = protocol::safety_number(l, r);
  c["local_scannable"] = core::to_hex(protocol::scannable_fingerprint(l, r));
  c["remote_scannable"] = core::to_hex(protocol::scannable_fingerprint(r, l));
  return c;
}

// What `local` answers when it scans `scanned` (the code its peer `remote` should be showing).
Json scanned_case(const std::string& id, const std::string& description, const Account& local, const Account& remote,
                  core::BytesView scanned) {
  auto c = sides_json(id, "scanned", description, local, remote);
  const auto local_id = local.stable_id(), remote_id = remote.stable_id();
  const auto answer = protocol::compare_scannable({local_id, local.key}, {remote_id, remote.key}, scanned);
  c["scanned"] = core::to_hex(scanned);
  c["match"] = answer.ok() ? Json(*answer) : Json(nullptr);
  c["error"] = answer.ok() ? Json(nullptr) : Json(core::errc_name(answer.code()));
  return c;
}

}  // namespace

core::Result<std::string> generate_fingerprint() {
  const LabelledSeed seed(kSeedName);
  const Account one{1, account_key(seed, "account-1")};
  const Account two{2, account_key(seed, "account-2")};
  const Account max{18446744073709551615u, account_key(seed, "account-18446744073709551615")};
  const Account ten{1000000, account_key(seed, "account-1000000")};
  const Account two_replaced{2, account_key(seed, "account-2-replaced")};
  const Account mallory{3, account_key(seed, "account-3")};

  Json cases = Json::array();
  cases.push_back(pair_case("accounts-1-2", "the two smallest account ids", one, two));
  cases.push_back(pair_case("accounts-1-max", "the largest account id (20 digits hashed)", one, max));
  cases.push_back(pair_case("accounts-max-1000000", "seen from the other end: local is the larger id", max, ten));
  cases.push_back(pair_case("accounts-1-2-replaced", "account 2's primary replaced (a new account key): another number",
                            one, two_replaced));

  const auto id1 = one.stable_id(), id2 = two.stable_id();
  const protocol::FingerprintSide side1{id1, one.key}, side2{id2, two.key};
  const auto twos_code = protocol::scannable_fingerprint(side2, side1);
  cases.push_back(scanned_case("scan-match", "account 1 scans account 2's code: a match", one, two, twos_code));
  cases.push_back(scanned_case("scan-own-code", "account 1 scans its own code: not a match", one, two,
                               protocol::scannable_fingerprint(side1, side2)));
  // Someone in the middle gave account 2 their key for account 1.
  const auto id3 = mallory.stable_id();
  cases.push_back(scanned_case("scan-mismatching-key", "account 2 holds another key for account 1: not a match", one,
                               two, protocol::scannable_fingerprint(side2, {id1, mallory.key})));
  cases.push_back(scanned_case("scan-mismatching-id", "account 2's code names account 3 with account 1's key", one, two,
                               protocol::scannable_fingerprint(side2, {id3, one.key})));
  cases.push_back(scanned_case("scan-wrong-version", "libsignal's version 2 of the same code", one, two,
                               protocol::scannable_fingerprint(side2, side1, protocol::kFingerprintIterations, 2)));
  cases.push_back(scanned_case("scan-truncated", "the code without its last byte", one, two,
                               core::BytesView(twos_code).first(twos_code.size() - 1)));
  auto longer = twos_code;
  longer.push_back(0x00);
  cases.push_back(scanned_case("scan-trailing-byte", "the code and one more byte", one, two, longer));
  cases.push_back(scanned_case("scan-empty", "nothing scanned", one, two, core::Bytes{}));
  auto garbage = seed.derive("scan-garbage/scanned", twos_code.size());
  garbage[0] = 0x0a;  // any key but the version's, so that the answer is malformed whatever the seed
  cases.push_back(scanned_case("scan-garbage", "74 bytes that are not a code", one, two, garbage));

  return vector_file_text("fingerprint",
                          "Parley safety numbers (spec §8.7): kind pair gives both sides' accounts (the stable id is "
                          "the account id in decimal) and keys, the 60 digits and each side's scannable code; kind "
                          "scanned gives what local answers when it scans `scanned`: match, or an error.",
                          seed, std::move(cases));
}

}  // namespace parley::conformance::detail
