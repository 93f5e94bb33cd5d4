// The `whatsapp-media` verifier against our committed file: every listed output, changed, fails;
// each reject case stops exactly at its first_failing_check in our implementation (the verifier
// itself allows an earlier stop, as spec/test-vectors.md §3.22 says other implementations may);
// and a reject case whose file is in fact fine, or that names a check before ours, fails.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

using nlohmann::json;

json committed() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/spec/vectors/whatsapp-media.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

Outcome verify_one(const json& c) {
  const auto parsed = VectorFile::parse(json{{"type", "whatsapp-media"}, {"version", 1}, {"cases", json::array({c})}}.dump());
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return Outcome::fail("unparsable");
  const auto r = verify_cases(*parsed).front().outcome;
  if (!r.ok()) return Outcome::fail("error: " + core::to_string(r.error()));
  return *r;
}

void flip_last_hex_digit(json& value) {
  auto hex = value.get<std::string>();
  hex.back() = hex.back() == '0' ? '1' : '0';
  value = hex;
}

json find_case(const json& file, const std::string& id) {
  for (const auto& c : file["cases"])
    if (c["id"] == id) return c;
  ADD_FAILURE() << "no case " << id;
  return json::object();
}

TEST(MediaVectors, EveryOutputOfEveryAcceptCaseIsChecked) {
  const auto file = committed();
  int accepts = 0;
  for (const auto& c : file["cases"]) {
    if (c["expect"] != "accept") continue;
    ++accepts;
    ASSERT_EQ(verify_one(c).verdict, Verdict::pass) << c["id"];
    const std::vector<json::json_pointer> outputs = {
        json::json_pointer("/mac"),          json::json_pointer("/file_sha256"),    json::json_pointer("/file_enc_sha256"),
        json::json_pointer("/streaming_sidecar"), json::json_pointer("/keys/iv"),     json::json_pointer("/keys/ref_key"),
        json::json_pointer("/media_key")};
    for (const auto& pointer : outputs) {
      auto bad = c;
      flip_last_hex_digit(bad[pointer]);
      EXPECT_EQ(verify_one(bad).verdict, Verdict::fail) << c["id"] << pointer.to_string();
    }
    auto bad_file = c;
    for (const char* field : {"hex", "sha256", "tail_hex"})
      if (bad_file["enc_file"].contains(field)) flip_last_hex_digit(bad_file["enc_file"][field]);
    EXPECT_EQ(verify_one(bad_file).verdict, Verdict::fail) << c["id"];
    auto bad_token = c;
    bad_token["upload_token"] = "A" + c["upload_token"].get<std::string>().substr(1);
    if (bad_token != c) {
      EXPECT_EQ(verify_one(bad_token).verdict, Verdict::fail) << c["id"];
    }
  }
  EXPECT_GE(accepts, 28);
}

TEST(MediaVectors, RejectCasesStopExactlyWhereTheySay) {
  const auto file = committed();
  int rejects = 0;
  for (const auto& c : file["cases"]) {
    if (c["expect"] != "reject") continue;
    ++rejects;
    const auto outcome = verify_one(c);
    EXPECT_EQ(outcome.verdict, Verdict::pass) << c["id"];
    EXPECT_EQ(outcome.reason, c["first_failing_check"].get<std::string>()) << c["id"];
  }
  EXPECT_GE(rejects, 18);
}

TEST(MediaVectors, AFineFileClaimedBadOrAStopTooEarlyFails) {
  const auto file = committed();
  auto padding = find_case(file, "reject-padding-zero");
  padding["first_failing_check"] = "mac";  // ours gets past the MAC: this claims it should not
  EXPECT_EQ(verify_one(padding).verdict, Verdict::fail);

  // The accepted 1-byte audio file, presented as a reject case with its true hashes.
  const auto good = find_case(file, "size-1");
  json claimed = {{"id", "fine"}, {"expect", "reject"}, {"media_type", good["media_type"]},
                  {"hkdf_info", good["hkdf_info"]}, {"media_key", good["media_key"]},
                  {"enc_file", good["enc_file"]}, {"file_sha256", good["file_sha256"]},
                  {"file_enc_sha256", good["file_enc_sha256"]}, {"first_failing_check", "file_sha256"}};
  EXPECT_EQ(verify_one(claimed).verdict, Verdict::fail);

  // Our table of info strings is held to the case: the same keys under a type the table maps
  // elsewhere fail, whatever the keys say.
  auto retyped = find_case(file, "type-image");
  retyped["media_type"] = "video";
  EXPECT_EQ(verify_one(retyped).verdict, Verdict::fail);
}

}  // namespace
}  // namespace parley::conformance
