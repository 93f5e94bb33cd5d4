// The verifiers on in-memory files: negative cases give the typed error (not a crash), broken
// cases are malformed naming the field, and unknown types and kinds are skipped.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

using nlohmann::json;

// libsignal-protocol-c's test_curve25519_signature (tests/data/external/xeddsa-verify.json).
constexpr const char* kPublicKey = "05ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64";
constexpr const char* kMessage = "05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a";
constexpr const char* kSignature =
    "5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfbede82deb9dcd9fae0bfbb821569b3d9001bd8130"
    "cd11d486"
    "cef047bd60b86e88";

std::vector<CaseOutcome> verify(const json& file) {
  auto parsed = VectorFile::parse(file.dump());
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return {};
  return verify_cases(*parsed);
}

CaseOutcome verify_one(std::string_view type, json c) {
  c["id"] = "case";
  auto results = verify(json{{"type", type}, {"version", 1}, {"cases", json::array({c})}});
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? CaseOutcome{"", Outcome::fail("no result")} : results.front();
}

json xeddsa_case(std::string signature, bool valid) {
  return {{"public_key", kPublicKey},
          {"message", kMessage},
          {"signature", std::move(signature)},
          {"valid", valid}};
}

std::string flip_first_bit(std::string hex) {
  hex[1] = hex[1] == 'd' ? 'c' : 'd';  // 0x5d -> 0x5c: bit 0 of byte 0 (in R)
  return hex;
}

void expect_verdict(const CaseOutcome& r, Verdict v, std::string_view reason_contains = {}) {
  ASSERT_TRUE(r.outcome.ok()) << core::to_string(r.outcome.error());
  EXPECT_EQ(r.outcome->verdict, v) << r.outcome->reason;
  EXPECT_NE(r.outcome->reason.find(reason_contains), std::string::npos) << r.outcome->reason;
}

void expect_malformed(const CaseOutcome& r, std::initializer_list<std::string_view> mentions) {
  ASSERT_FALSE(r.outcome.ok()) << verdict_name(r.outcome->verdict);
  EXPECT_EQ(r.outcome.code(), core::Errc::malformed);
  for (auto m : mentions)
    EXPECT_NE(r.outcome.error().detail.find(m), std::string::npos)
        << "'" << m << "' not in " << r.outcome.error().detail;
}

TEST(conformance_verifiers, XeddsaValidSignaturePasses) {
  expect_verdict(verify_one("xeddsa-verify", xeddsa_case(kSignature, true)), Verdict::pass);
}

TEST(conformance_verifiers, FlippedSignatureBitIsRejectedWithBadSignature) {
  auto c = xeddsa_case(flip_first_bit(kSignature), false);
  expect_verdict(verify_one("xeddsa-verify", c), Verdict::pass, "rejected with bad_signature");
  c["error"] = "bad_signature";
  expect_verdict(verify_one("xeddsa-verify", c), Verdict::pass);
}

TEST(conformance_verifiers, FlippedBitClaimedValidFails) {
  expect_verdict(verify_one("xeddsa-verify", xeddsa_case(flip_first_bit(kSignature), true)), Verdict::fail,
                 "bad_signature");
}

TEST(conformance_verifiers, ValidSignatureClaimedInvalidFails) {
  expect_verdict(verify_one("xeddsa-verify", xeddsa_case(kSignature, false)), Verdict::fail, "accepted");
}

TEST(conformance_verifiers, WrongKeyTypeByteIsBadKey) {
  auto c = xeddsa_case(kSignature, false);
  c["public_key"] = std::string("06") + (kPublicKey + 2);
  c["error"] = "bad_key";
  expect_verdict(verify_one("xeddsa-verify", c), Verdict::pass, "bad_key");
  c["error"] = "bad_signature";  // the case names another code: the verifier must notice
  expect_verdict(verify_one("xeddsa-verify", c), Verdict::fail, "expected error bad_signature, got bad_key");
}

TEST(conformance_verifiers, ShortSignatureIsMalformedNotACrash) {
  auto c = xeddsa_case("5de8", false);
  c["error"] = "malformed";
  expect_verdict(verify_one("xeddsa-verify", c), Verdict::pass, "malformed");
}

TEST(conformance_verifiers, ValidCaseWithErrorFieldIsMalformed) {
  auto c = xeddsa_case(kSignature, true);
  c["error"] = "bad_signature";
  expect_malformed(verify_one("xeddsa-verify", c), {"case 'case'", "field 'error'"});
}

TEST(conformance_verifiers, BadHexInSupportedTypeIsMalformedNamingTheField) {
  auto c = xeddsa_case(kSignature, true);
  c["message"] = "05zz";
  expect_malformed(verify_one("xeddsa-verify", c), {"case 'case'", "field 'message'", "bad hex"});
  c = xeddsa_case(kSignature, true);
  c.erase("valid");
  expect_malformed(verify_one("xeddsa-verify", c), {"field 'valid'", "missing"});
}

TEST(conformance_verifiers, HkdfMismatchFailsAndInconsistentLengthIsMalformed) {
  // RFC 5869 A.3 with one output bit changed.
  json c{{"ikm", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"},
         {"salt", ""},
         {"info", ""},
         {"length", 42},
         {"okm", "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c9"}};
  expect_verdict(verify_one("hkdf", c), Verdict::fail, "okm differs");
  c["okm"] = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
  expect_verdict(verify_one("hkdf", c), Verdict::pass);
  c["length"] = 41;
  expect_malformed(verify_one("hkdf", c), {"field 'okm'"});
}

TEST(conformance_verifiers, TruncatedHmacComparesThePrefix) {
  // RFC 4231 test case 5: only 128 bits are published.
  json c{{"key", "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c"},
         {"data", "546573742057697468205472756e636174696f6e"},
         {"mac", "a3b6167473100ee06e0c796c2955552b"}};
  expect_verdict(verify_one("hmac-sha256", c), Verdict::pass);
  c["mac"] = "a3b6167473100ee06e0c796c2955552c";
  expect_verdict(verify_one("hmac-sha256", c), Verdict::fail, "mac differs");
  c["mac"] = "";
  expect_malformed(verify_one("hmac-sha256", c), {"field 'mac'"});
}

TEST(conformance_verifiers, X25519IteratedOnce) {
  json c{{"kind", "iterated"},
         {"iterations", 1},
         {"output", "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"}};
  expect_verdict(verify_one("x25519", c), Verdict::pass);
}

TEST(conformance_verifiers, Ed25519SmallOrderKeyIsRejected) {
  json c{{"public_key", "01" + std::string(62, '0')},
         {"message", "72"},
         {"signature", "01" + std::string(126, '0')},
         {"valid", false},
         {"error", "bad_signature"}};
  expect_verdict(verify_one("ed25519-verify", c), Verdict::pass);
  c["public_key"] = "01";
  c["error"] = "bad_key";
  expect_verdict(verify_one("ed25519-verify", c), Verdict::pass);
}

TEST(conformance_verifiers, UnknownKindIsSkipped) {
  expect_verdict(verify_one("x25519", json{{"kind", "montgomery-ladder"}}), Verdict::skip,
                 "unsupported kind");
  expect_malformed(verify_one("x25519", json::object()), {"field 'kind'"});
}

TEST(conformance_verifiers, UnknownTypeSkipsEveryCase) {
  auto results = verify(json{{"type", "group-sender-key"},
                             {"version", 1},
                             {"cases", json::array({json{{"id", "a"}}, json{{"id", "b"}}, 7})}});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].id, "a");
  EXPECT_EQ(results[2].id, "#2");
  for (const auto& r : results) expect_verdict(r, Verdict::skip, "unsupported type 'group-sender-key'");
}

TEST(conformance_verifiers, UnsupportedVersionSkips) {
  auto results = verify(json{{"type", "hkdf"}, {"version", 2}, {"cases", json::array({json{{"id", "a"}}})}});
  ASSERT_EQ(results.size(), 1u);
  expect_verdict(results[0], Verdict::skip, "unsupported version 2");
}

TEST(conformance_verifiers, NoiseOutsideParleyIsSkippedNeverPassed) {
  const json empty_side{{"init_prologue", ""}, {"resp_prologue", ""}, {"messages", json::array()}};
  auto with = [&](json extra) {
    json v = empty_side;
    v.update(extra);
    return v;
  };
  auto results = verify(json{{"vectors", json::array({
                                 with({{"protocol_name", "Noise_XX_448_AESGCM_SHA256"}}),
                                 with({{"protocol_name", "Noise_XXpsk3_25519_AESGCM_SHA256"}}),
                                 with({{"protocol_name", "Noise_N_25519_AESGCM_SHA256"}}),
                                 with({{"protocol_name", "Noise_XX_25519_AESGCM_SHA256"},
                                       {"init_psks", json::array({std::string(64, '0')})}}),
                                 with({{"protocol_name", "Noise_XXfallback_25519_AESGCM_SHA256"}}),
                                 with({{"name", "x"}, {"pattern", "XX"}, {"dh", "25519"}, {"cipher", "AESGCM"},
                                       {"hash", "SHA256"}, {"fallback", true}}),
                                 with({{"name", "x"}, {"pattern", "IK"}, {"dh", "25519"}, {"cipher", "AESGCM"},
                                       {"hash", "SHA256"}, {"init_ssk", "00"}}),
                             })}});
  ASSERT_EQ(results.size(), 7u);
  EXPECT_EQ(results[0].id, "Noise_XX_448_AESGCM_SHA256#0");
  for (const auto& r : results) expect_verdict(r, Verdict::skip, "unsupported");
}

// noise-c's tests/vector/noise-c-fallback.txt @68f4095dee80, its first vector: IK with a stale
// responder key, then XXfallback with the roles reversed, then transport messages.
TEST(conformance_verifiers, NoiseCFallbackVectorPasses) {
  const auto vector = json::parse(R"json({"name": "Noise_XXfallback_25519_ChaChaPoly_BLAKE2s", "pattern": "IK", "dh": "25519", "cipher": "ChaChaPoly", "hash": "BLAKE2s", "fallback": true, "init_prologue": "50726f6c6f677565313233", "init_static": "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1", "init_ephemeral": "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a", "init_remote_static": "f215fe4ad54b354588d3fa52166179b723b9a211ec67167b9bf1729260972a23", "resp_prologue": "50726f6c6f677565313233", "resp_static": "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893", "resp_ephemeral": "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b", "messages": [{"payload": "4c756477696720766f6e204d69736573", "ciphertext": "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944aea61f2c1efc2d9700814dc96a8d8fba4351274cc18ef3cdf9aa8488c631200600a2e13226dabd61a6ee54f294d3275a4d760796d51f12d27c25fad320cbea15db09f78f3125d390ddc0c791f20b6387"}, {"payload": "4d757272617920526f746862617264", "ciphertext": "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843a40f686fb88e6c8f3bd4118270ef4b307cd0a48ccc2ae47229331d883d706fc8478163e29de1ef9d569fd272fe5c4a5f2ac29659aee6ce683df9139413948262cfc43295dfc39667b275b92d75db48"}, {"payload": "462e20412e20486179656b", "ciphertext": "01b3fe36dbc8e08d4d5407b7e4aafcb6d4b670dec1a8eb50816eebf94964ea713cdc8954d82be8e24a6821dc8dd45556ab69a29474571b0d8ba936386b6a72b514ac45b8df99b8f70ba02f"}, {"payload": "4361726c204d656e676572", "ciphertext": "dcf3293c98642cd2791d2c6f3232ef939d773f47b859f512dca93d"}, {"payload": "4a65616e2d426170746973746520536179", "ciphertext": "76414651614f48038de613c234da59c2e75bfbb5c87e33126e8e57c97fc9f721e5"}, {"payload": "457567656e2042f6686d20766f6e2042617765726b", "ciphertext": "016f26702eb62b6822c50df2ca05cd9e467d254232cfd8b497bb5e3f976aa1861bbd7e685b"}], "handshake_hash": "54e424c6564898d6540f925faaa56516967c1b7847f4cac83016b6d1d318288a"})json");
  auto results = verify(json{{"vectors", json::array({vector})}});
  ASSERT_EQ(results.size(), 1u);
  expect_verdict(results[0], Verdict::pass);

  // A wrong byte in the last transport message must fail, not pass or skip.
  json tampered = vector;
  tampered["messages"][5]["ciphertext"] = "116f26702eb62b6822c50df2ca05cd9e467d254232cfd8b497bb5e3f976aa1861bbd7e685b";
  results = verify(json{{"vectors", json::array({tampered})}});
  expect_verdict(results[0], Verdict::fail, "message 5");
}

}  // namespace
}  // namespace parley::conformance
