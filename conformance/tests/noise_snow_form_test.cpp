// snow's Noise vector files carry `init_psks` and `resp_psks` on every vector, empty lists when the
// handshake takes no psk (spec/test-vectors.md §3.14). Those are plain handshakes: the verifier
// must run them, not skip them as psk vectors; a list with a key stays unsupported. The vectors
// here are cacophony's (tests/data/external/noise-cacophony.json) rewritten into snow's form.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

using nlohmann::json;

json cacophony_vectors() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/tests/data/external/noise-cacophony.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).at("vectors");
}

// snow's form of a cacophony vector: both psk lists, and the remote static fields even when null.
json in_snow_form(json vector, json init_psks = json::array(), json resp_psks = json::array()) {
  vector["init_psks"] = std::move(init_psks);
  vector["resp_psks"] = std::move(resp_psks);
  for (const char* field : {"init_remote_static", "resp_remote_static"})
    if (!vector.contains(field)) vector[field] = nullptr;
  return vector;
}

std::vector<CaseOutcome> verify(const json& vectors) {
  auto file = VectorFile::parse(json{{"vectors", vectors}}.dump());
  EXPECT_TRUE(file.ok());
  if (!file.ok()) return {};
  EXPECT_EQ(file->type(), kNoiseType);
  return verify_cases(*file);
}

TEST(conformance_noise_snow_form, EmptyPskListsAreRunAndPass) {
  json vectors = json::array();
  for (const auto& v : cacophony_vectors()) vectors.push_back(in_snow_form(v));
  ASSERT_EQ(vectors.size(), 17u);  // XX and IK with every cipher and hash, and NN
  const auto results = verify(vectors);
  ASSERT_EQ(results.size(), vectors.size());
  for (const auto& r : results) {
    ASSERT_TRUE(r.outcome.ok()) << r.id << ": " << core::to_string(r.outcome.error());
    EXPECT_EQ(r.outcome->verdict, Verdict::pass) << r.id << ": " << r.outcome->reason;
  }
}

// A pass must come from running the handshake: a changed byte in snow's form fails.
TEST(conformance_noise_snow_form, EmptyPskListsAreReallyRun) {
  json v = in_snow_form(cacophony_vectors().at(0));
  auto& last = v["messages"].back()["ciphertext"];
  std::string hex = last.get<std::string>();
  hex[0] = hex[0] == '0' ? '1' : '0';
  last = hex;
  const auto results = verify(json::array({v}));
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].outcome.ok());
  EXPECT_EQ(results[0].outcome->verdict, Verdict::fail) << results[0].outcome->reason;

  json wrong_hash = in_snow_form(cacophony_vectors().at(8));  // IK
  wrong_hash["handshake_hash"] = std::string(64, '0');
  const auto hash_results = verify(json::array({wrong_hash}));
  ASSERT_TRUE(hash_results[0].outcome.ok());
  EXPECT_EQ(hash_results[0].outcome->verdict, Verdict::fail) << hash_results[0].outcome->reason;
}

TEST(conformance_noise_snow_form, APskInEitherListIsUnsupported) {
  const json psk = json::array({std::string(64, '2')});
  const json base = cacophony_vectors().at(0);
  const auto results =
      verify(json::array({in_snow_form(base, psk, json::array()), in_snow_form(base, json::array(), psk),
                          in_snow_form(base, psk, psk)}));
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    ASSERT_TRUE(r.outcome.ok()) << r.id << ": " << core::to_string(r.outcome.error());
    EXPECT_EQ(r.outcome->verdict, Verdict::skip) << r.id;
    EXPECT_NE(r.outcome->reason.find("psk"), std::string::npos) << r.outcome->reason;
  }
}

TEST(conformance_noise_snow_form, APskListThatIsNotHexIsMalformed) {
  for (const json& bad : {json("00"), json::array({"zz"}), json::array({7})}) {
    const auto results = verify(json::array({in_snow_form(cacophony_vectors().at(0), bad)}));
    ASSERT_EQ(results.size(), 1u);
    ASSERT_FALSE(results[0].outcome.ok()) << bad.dump();
    EXPECT_EQ(results[0].outcome.code(), core::Errc::malformed);
    EXPECT_NE(results[0].outcome.error().detail.find("init_psks"), std::string::npos);
  }
}

}  // namespace
}  // namespace parley::conformance
