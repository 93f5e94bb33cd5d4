// The verifiers of our generated types catch a changed expectation: each committed case passes,
// and the same case with one output (or, where it matters, one input) changed fails, or is
// malformed when the change breaks the case itself. So a verifier that checked nothing could not
// pass these files. Covered: fingerprint, receipts, fanout, device-link, crypto-basics, x3dh,
// noise-pipes (kind handshake), signal-sender-key and group-membership.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

using nlohmann::json;

json committed(const std::string& name) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/spec/vectors/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

json find_case(const json& file, const std::string& id) {
  for (const auto& c : file["cases"])
    if (c["id"] == id) return c;
  ADD_FAILURE() << "no case " << id;
  return json::object();
}

core::Result<Outcome> verify_case(const json& file, const json& c) {
  const auto parsed = VectorFile::parse(json{{"type", file["type"]}, {"version", 1}, {"cases", json::array({c})}}.dump());
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return core::make_error(core::Errc::internal, "unparsable");
  return verify_cases(*parsed).front().outcome;
}

void expect(const json& file, const json& c, Verdict verdict) {
  const auto r = verify_case(file, c);
  ASSERT_TRUE(r.ok()) << core::to_string(r.error());
  EXPECT_EQ(r->verdict, verdict) << c.dump() << ": " << r->reason;
}

void expect_malformed(const json& file, const json& c) {
  const auto r = verify_case(file, c);
  ASSERT_FALSE(r.ok()) << c.dump();
  EXPECT_EQ(r.code(), core::Errc::malformed);
}

// One hex digit changed (the last), or a byte where the value was empty: another value of the
// same length, so the case stays well-formed and only the value is wrong.
void flip_hex(json& value) {
  auto hex = value.get<std::string>();
  if (hex.empty()) {
    value = "00";
    return;
  }
  hex.back() = hex.back() == '0' ? '1' : '0';
  value = hex;
}

// An error code other than the case's.
json other_error(const json& error) { return error == "malformed" ? "bad_key" : "malformed"; }

TEST(tampered_vectors, ReceiptsFailWithAnotherStatusOrError) {
  const auto file = committed("receipts.json");
  auto c = find_case(file, "one-to-one-ticks");
  expect(file, c, Verdict::pass);
  auto wrong_after = c;
  wrong_after["events"][2]["after"][0] = "read";  // blue after only a delivery receipt
  expect(file, wrong_after, Verdict::fail);
  auto wrong_final = c;
  wrong_final["statuses"][0] = "delivered";
  expect(file, wrong_final, Verdict::fail);
  auto refused = c;
  refused["events"][2]["error"] = "malformed";
  expect(file, refused, Verdict::fail);

  auto m = find_case(file, "malformed");
  expect(file, m, Verdict::pass);
  auto accepted = m;
  accepted["events"][2]["error"] = nullptr;  // add(0) must be refused
  expect(file, accepted, Verdict::fail);
  auto other_code = m;
  other_code["events"][2]["error"] = "duplicate_message";
  expect(file, other_code, Verdict::fail);
  auto unknown_level = m;
  unknown_level["events"][4]["level"] = "seen";
  expect_malformed(file, unknown_level);
  auto bad_sequences = m;
  bad_sequences["events"][4]["sequences"] = json::array({-1});
  expect_malformed(file, bad_sequences);
}

TEST(tampered_vectors, FingerprintsFailWithAnotherCodeOrAnswer) {
  const auto file = committed("fingerprint.json");
  auto pair = find_case(file, "accounts-1-2");
  expect(file, pair, Verdict::pass);
  auto code = pair;
  auto hex = code["local_scannable"].get<std::string>();
  hex.back() = hex.back() == '0' ? '1' : '0';
  code["local_scannable"] = hex;
  expect(file, code, Verdict::fail);
  auto half = pair;
  half.erase("remote_scannable");
  expect_malformed(file, half);
  auto wrong_account = pair;
  wrong_account["local_account"] = 7;
  expect_malformed(file, wrong_account);

  auto own = find_case(file, "scan-own-code");
  expect(file, own, Verdict::pass);
  own["match"] = true;
  expect(file, own, Verdict::fail);
  auto truncated = find_case(file, "scan-truncated");
  expect(file, truncated, Verdict::pass);
  truncated["error"] = "unsupported_version";
  expect(file, truncated, Verdict::fail);
  auto version = find_case(file, "scan-wrong-version");
  version["error"] = nullptr;
  version["match"] = false;
  expect(file, version, Verdict::fail);
}

TEST(tampered_vectors, FanoutFailsWithAnotherPlanOrReplan) {
  const auto file = committed("fanout.json");
  auto c = find_case(file, "five-by-five");
  expect(file, c, Verdict::pass);
  // Outputs: each field of an encryption, and the other lists of the plan.
  auto payload = c;
  payload["plan"]["encryptions"][4]["payload"] = "sent_to_own_device";
  expect(file, payload, Verdict::fail);
  auto bundle = c;
  bundle["plan"]["encryptions"][0]["needs_bundle"] = true;
  expect(file, bundle, Verdict::fail);
  auto incarnation = c;
  incarnation["plan"]["encryptions"][8]["incarnation"] = 4;
  expect(file, incarnation, Verdict::fail);
  auto dropped = c;
  dropped["plan"]["encryptions"].erase(dropped["plan"]["encryptions"].size() - 1);
  expect(file, dropped, Verdict::fail);
  auto fetch = c;
  fetch["plan"]["bundle_fetches"] = json::array({2002});
  expect(file, fetch, Verdict::fail);
  auto refused = c;
  refused["error"] = "malformed";
  expect(file, refused, Verdict::fail);
  // Inputs: a session lost, a peer device's key changed, no copies to our own devices.
  auto no_session = c;
  no_session["request"]["sessions"].erase(0);
  expect(file, no_session, Verdict::fail);
  auto new_key = c;
  flip_hex(new_key["request"]["peer_devices"][1]["identity_key"]);
  expect(file, new_key, Verdict::fail);
  auto no_copies = c;
  no_copies["request"]["copy_to_own_devices"] = false;
  expect(file, no_copies, Verdict::fail);

  auto identity = find_case(file, "identity-change");
  expect(file, identity, Verdict::pass);
  flip_hex(identity["plan"]["identity_changes"][0]["new_key"]);
  expect(file, identity, Verdict::fail);

  auto replan = find_case(file, "mismatch-replan");
  expect(file, replan, Verdict::pass);
  auto keep = replan;
  keep["replan"]["keep"].erase(0);
  expect(file, keep, Verdict::fail);
  auto refresh = replan;
  refresh["replan"]["refresh_device_list"] = !refresh["replan"]["refresh_device_list"].get<bool>();
  expect(file, refresh, Verdict::fail);
  auto other_mismatch = replan;
  other_mismatch["mismatch"]["stale"] = json::array({3});
  expect(file, other_mismatch, Verdict::fail);

  for (const char* id : {"sender-not-listed", "mismatch-contradiction", "mismatch-names-sender"}) {
    SCOPED_TRACE(id);
    auto negative = find_case(file, id);
    expect(file, negative, Verdict::pass);
    auto accepted = negative;
    accepted["error"] = nullptr;
    expect(file, accepted, Verdict::fail);
    auto other = negative;
    other["error"] = other_error(negative["error"]);
    expect(file, other, Verdict::fail);
  }
  auto bad_payload = c;
  bad_payload["request"]["self"] = "device 1";
  expect_malformed(file, bad_payload);
}

TEST(tampered_vectors, DeviceLinkFailsWithAnyOtherByte) {
  const auto file = committed("device-link.json");
  const auto link = find_case(file, "link");
  expect(file, link, Verdict::pass);
  for (const char* output : {"account_signature_message", "approval", "device_signature_message",
                             "signed_identity", "device_list", "signed_device_list"}) {
    SCOPED_TRACE(output);
    auto c = link;
    flip_hex(c[output]);
    expect(file, c, Verdict::fail);
  }
  auto qr = link;
  qr["qr_text"] = qr["qr_text"].get<std::string>() + "0";
  expect(file, qr, Verdict::fail);
  // Inputs that the outputs depend on: the randomness, the time of the approval, the device id.
  for (const char* input :
       {"companion_entropy", "primary_entropy", "primary_identity_private", "server_ref"}) {
    SCOPED_TRACE(input);
    auto c = link;
    flip_hex(c[input]);
    expect(file, c, Verdict::fail);
  }
  auto later = link;
  later["approve_at_ms"] = link["approve_at_ms"].get<std::uint64_t>() + 1;
  expect(file, later, Verdict::fail);
  auto device = link;
  device["device"] = link["device"].get<std::uint64_t>() + 1;
  expect(file, device, Verdict::fail);
  auto expected_error = link;
  expected_error["error"] = "expired";
  expect(file, expected_error, Verdict::fail);

  std::size_t negatives = 0;
  for (const auto& c : file["cases"]) {
    if (c["mutation"] == "none") continue;
    SCOPED_TRACE(c["id"].get<std::string>());
    ++negatives;
    expect(file, c, Verdict::pass);
    auto unmutated = c;
    unmutated["mutation"] = "none";  // the link now succeeds: the expected error is missed
    expect(file, unmutated, Verdict::fail);
    auto other = c;
    other["error"] = other_error(c["error"]);
    expect(file, other, Verdict::fail);
    auto no_error = c;
    no_error["error"] = nullptr;
    expect(file, no_error, Verdict::fail);
    auto unknown = c;
    unknown["mutation"] = "tamper_everything";
    expect_malformed(file, unknown);
  }
  EXPECT_EQ(negatives, 7u);
}

// Every case of crypto-basics, by kind: an output changed fails, an input changed fails, and a
// negative case that names another error, or none, fails.
TEST(tampered_vectors, CryptoBasicsFailsWithAnyOutputOrInputChanged) {
  const auto file = committed("crypto-basics.json");
  using Mutation = std::function<void(json&)>;
  auto flip = [](const char* field) { return Mutation([field](json& c) { flip_hex(c[field]); }); };
  auto set = [](const char* field, json value) {
    return Mutation([field, value](json& c) { c[field] = value; });
  };
  auto error = Mutation([](json& c) { c["error"] = other_error(c["error"]); });
  // A rejected signature claimed valid (a valid case names no error).
  auto accepted = Mutation([](json& c) {
    c["valid"] = true;
    c.erase("error");
  });

  // Mutations that must make a case fail, by kind and by whether the case is positive.
  struct Mutations {
    std::vector<Mutation> positive;
    std::vector<Mutation> negative;
  };
  const std::map<std::string, Mutations> by_kind{
      {"sha256", {{flip("digest"), flip("message")}, {}}},
      {"sha512", {{flip("digest"), flip("message")}, {}}},
      {"hmac-sha256", {{flip("mac"), flip("key"), flip("data")}, {}}},
      {"hkdf", {{flip("okm"), flip("ikm"), flip("info")}, {}}},
      {"aes-256-cbc", {{flip("ciphertext"), flip("plaintext"), flip("iv")}, {error}}},
      {"aes-256-gcm", {{flip("ciphertext"), flip("ad"), flip("nonce")}, {error}}},
      {"chacha20-poly1305", {{flip("ciphertext"), flip("ad"), flip("nonce")}, {error}}},
      {"x25519-public-key", {{flip("public"), flip("private")}, {}}},
      {"x25519-agreement", {{flip("shared_secret"), flip("private")}, {}}},
      {"xeddsa-sign", {{flip("signature"), flip("random"), flip("message")}, {}}},
      {"xeddsa-verify", {{flip("signature"), flip("message"), set("valid", false)}, {accepted, error}}},
      {"parse-public-key", {{set("error", "bad_key")}, {error, set("error", nullptr)}}},
  };
  for (const auto& c : file["cases"]) {
    const auto id = c["id"].get<std::string>();
    SCOPED_TRACE(id);
    expect(file, c, Verdict::pass);
    const auto kind = by_kind.find(c["kind"].get<std::string>());
    ASSERT_NE(kind, by_kind.end()) << "no mutations for kind " << c["kind"];
    const bool negative =
        (c.contains("error") && !c["error"].is_null()) || (c.contains("valid") && c["valid"] == false);
    const auto& mutations = negative ? kind->second.negative : kind->second.positive;
    EXPECT_FALSE(mutations.empty()) << "a case of kind " << kind->first << " that nothing tampers with";
    for (std::size_t i = 0; i < mutations.size(); ++i) {
      SCOPED_TRACE("mutation " + std::to_string(i));
      auto tampered = c;
      mutations[i](tampered);
      expect(file, tampered, Verdict::fail);
    }
  }
}

TEST(tampered_vectors, X3dhFailsWithAnotherMessageOrAcceptedBundle) {
  const auto file = committed("x3dh-prekey-combinations.json");
  auto session = find_case(file, "one-time-prekey-zero-ids");
  expect(file, session, Verdict::pass);
  for (const char* output :
       {"first_message", "x3dh_root_key", "alice_sending_chain_key", "bob_one_time_prekey_public"}) {
    SCOPED_TRACE(output);
    auto c = session;
    flip_hex(c[output]);
    expect(file, c, Verdict::fail);
  }
  auto other_id = session;
  other_id["bob_one_time_prekey_id"] = 1;  // the message names another prekey id
  expect(file, other_id, Verdict::fail);
  auto half = session;
  half["bob_one_time_prekey_private"] = nullptr;
  expect_malformed(file, half);
  auto with_error = session;
  with_error["error"] = "malformed";
  expect_malformed(file, with_error);

  std::size_t refused = 0;
  for (const auto& c : file["cases"]) {
    if (c["kind"] != "refused-bundle") continue;
    SCOPED_TRACE(c["id"].get<std::string>());
    ++refused;
    expect(file, c, Verdict::pass);
    auto other = c;
    other["error"] = other_error(c["error"]);
    expect(file, other, Verdict::fail);
    auto no_error = c;
    no_error["error"] = nullptr;
    expect_malformed(file, no_error);
  }
  EXPECT_EQ(refused, 11u);
  // The refused bundle made whole again is accepted, which the case does not allow.
  auto whole = find_case(file, "one-time-prekey-key-without-id");
  whole["bob_one_time_prekey_id"] = 4242;
  expect(file, whole, Verdict::fail);
}

TEST(tampered_vectors, NoisePipesSuitesFailWithAnotherByteOrSuite) {
  const auto file = committed("noise-pipes-suites.json");
  std::size_t cases = 0;
  for (const auto& c : file["cases"]) {
    SCOPED_TRACE(c["id"].get<std::string>());
    ++cases;
    expect(file, c, Verdict::pass);
    auto ciphertext = c;
    flip_hex(ciphertext["messages"][1]["ciphertext"]);
    expect(file, ciphertext, Verdict::fail);
    auto transport = c;
    flip_hex(transport["messages"][transport["messages"].size() - 1]["ciphertext"]);
    expect(file, transport, Verdict::fail);
    auto hash = c;
    flip_hex(hash["handshake_hash"]);
    expect(file, hash, Verdict::fail);
    // Another suite over the same keys gives other bytes from the first encrypted field on.
    auto cipher = c;
    cipher["cipher"] = c["cipher"] == "AESGCM" ? "ChaChaPoly" : "AESGCM";
    expect(file, cipher, Verdict::fail);
    auto prologue = c;
    flip_hex(prologue["prologue"]);
    expect(file, prologue, Verdict::fail);
  }
  EXPECT_EQ(cases, 24u);  // three paths, two ciphers, four hashes

  const auto fallback = find_case(file, "ik-fallback-chachapoly-blake2b");
  auto not_fallback = fallback;
  not_fallback["pattern"] = "IK";
  expect(file, not_fallback, Verdict::fail);
  auto name = fallback;
  name["protocol_name"] = "Noise_XXfallback_25519_ChaChaPoly_BLAKE2s";
  expect(file, name, Verdict::fail);
  auto turn = fallback;
  turn["messages"][1]["sender"] = "client";  // the server answers the unreadable IK message
  expect(file, turn, Verdict::fail);
  auto outside = fallback;
  outside["hash"] = "SHA3";  // a well-formed name outside the profile (spec §6.1)
  expect(file, outside, Verdict::skip);
  auto not_a_name = fallback;
  not_a_name["hash"] = "SHA3_256";  // "_" separates a name's parts
  expect_malformed(file, not_a_name);
  auto unknown_kind = fallback;
  unknown_kind["kind"] = "one-way";
  expect(file, unknown_kind, Verdict::skip);

  // The channel kind runs the one suite of spec §6.8: naming it changes nothing, naming another
  // is a skip, never a pass.
  const auto channel = committed("noise-pipes.json");
  auto ik = find_case(channel, "ik");
  ik["cipher"] = "AESGCM";
  ik["hash"] = "SHA256";
  expect(channel, ik, Verdict::pass);
  ik["cipher"] = "ChaChaPoly";
  expect(channel, ik, Verdict::skip);
}


// Sender keys: every decrypt step's expectation changed fails (another plaintext, another error
// kind, success instead of an error), as do a changed sent message, record and summary; the
// external recording fails with a byte of a message before its signature changed.
TEST(tampered_vectors, SignalSenderKeyFailsWithAnyExpectationChanged) {
  const auto file = committed("signal-sender-key.json");
  std::size_t decrypts = 0;
  for (const auto& c : file["cases"]) {
    SCOPED_TRACE(c["id"].get<std::string>());
    expect(file, c, Verdict::pass);
    for (std::size_t i = 0; i < c["steps"].size(); ++i) {
      const auto& step = c["steps"][i];
      auto tampered = c;
      auto& t = tampered["steps"][i];
      if (step["op"] == "decrypt") {
        ++decrypts;
        if (step.contains("expected_error")) {
          t["expected_error"] = step["expected_error"] == "duplicate" ? "bad_signature" : "duplicate";
          expect(file, tampered, Verdict::fail);
          t.erase("expected_error");
          t["expected_plaintext"] = "";
        } else {
          flip_hex(t["expected_plaintext"]);
        }
        expect(file, tampered, Verdict::fail);
      } else if (step["op"] == "encrypt") {
        flip_hex(t["message"]);  // the last byte: the signature, reproduced from signature_random
        expect(file, tampered, Verdict::fail);
      } else if (step["op"] == "check_receiver_record") {
        flip_hex(t["record_sha256"]);
        expect(file, tampered, Verdict::fail);
        auto summary = c;
        summary["steps"][i]["summary"][0]["chain_key_iteration"] =
            step["summary"][0]["chain_key_iteration"].get<std::uint64_t>() + 1;
        expect(file, summary, Verdict::fail);
      } else if (step["op"] == "process_distribution" && step.contains("expected_error")) {
        t["expected_error"] = "duplicate";
        expect(file, tampered, Verdict::fail);
      }
    }
  }
  EXPECT_GE(decrypts, 40u);

  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/tests/data/external/signal-sender-key.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto external = json::parse(text.str());
  auto sample = external["cases"][0];
  expect(external, sample, Verdict::pass);
  for (std::size_t i = 0; i < sample["steps"].size(); ++i) {
    if (sample["steps"][i]["op"] != "encrypt") continue;
    auto tampered = sample;
    auto hex = tampered["steps"][i]["message"].get<std::string>();
    hex[hex.size() - 130] = hex[hex.size() - 130] == '0' ? '1' : '0';  // the last ciphertext byte
    tampered["steps"][i]["message"] = hex;
    expect(external, tampered, Verdict::fail);
  }
  auto record = sample;
  flip_hex(record["steps"].back()["record"]);
  expect(external, record, Verdict::fail);
}

// Membership logs: each step's error (another one, or success instead), applied count, held count
// and every field of its state changed fails; so does a creation expected to be refused that is not.
TEST(tampered_vectors, GroupMembershipFailsWithAnyExpectationChanged) {
  const auto file = committed("group-membership.json");
  std::size_t steps = 0;
  for (const auto& c : file["cases"]) {
    SCOPED_TRACE(c["id"].get<std::string>());
    expect(file, c, Verdict::pass);
    if (!c["creation_error"].is_null()) {
      auto tampered = c;
      tampered["creation_error"] = other_error(c["creation_error"]);
      expect(file, tampered, Verdict::fail);
      tampered["creation_error"] = nullptr;
      expect(file, tampered, Verdict::fail);
      continue;
    }
    for (std::size_t i = 0; i < c["steps"].size(); ++i) {
      ++steps;
      const auto& step = c["steps"][i];
      const auto tamper = [&](auto change) {
        auto tampered = c;
        change(tampered["steps"][i]);
        expect(file, tampered, Verdict::fail);
      };
      tamper([&](json& t) { t["error"] = step["error"].is_null() ? json("conflict") : other_error(step["error"]); });
      if (!step["error"].is_null()) tamper([](json& t) { t["error"] = nullptr; });
      if (step.contains("applied")) tamper([&](json& t) { t["applied"] = step["applied"].get<std::uint64_t>() + 1; });
      tamper([&](json& t) { t["held"] = step["held"].get<std::uint64_t>() + 1; });
      tamper([&](json& t) { t["state"]["version"] = step["state"]["version"].get<std::uint64_t>() + 1; });
      tamper([](json& t) { flip_hex(t["state"]["head"]); });
      tamper([](json& t) { t["state"]["subject"] = t["state"]["subject"].get<std::string>() + "!"; });
      tamper([](json& t) { t["state"]["members"].push_back(999999); });
      tamper([](json& t) { t["state"]["admins"].push_back(999999); });
    }
  }
  EXPECT_GE(steps, 40u);
}

}  // namespace
}  // namespace parley::conformance
