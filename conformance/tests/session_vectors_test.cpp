// The session vector verifiers must catch a changed value: each committed file passes, and the
// same file with one value altered fails (or is malformed), never passes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

using nlohmann::json;

json load(const std::string& name) {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/spec/vectors/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// Verdict of the first case: pass only when the verifier accepted it.
bool first_case_passes(const json& file) {
  auto parsed = VectorFile::parse(file.dump());
  EXPECT_TRUE(parsed.ok());
  if (!parsed.ok()) return false;
  auto results = verify_cases(*parsed);
  EXPECT_FALSE(results.empty());
  return !results.empty() && results[0].outcome.ok() && results[0].outcome->verdict == Verdict::pass;
}

// Flips the lowest bit of the hex digit at `at` (a different, still valid hex string).
std::string flip_hex(std::string hex, std::size_t at) {
  const char digits[] = "0123456789abcdef";
  const auto v = std::string_view(digits).find(hex[at]);
  hex[at] = digits[v ^ 1];
  return hex;
}

TEST(conformance_session_vectors, X3dhCatchesAChangedRootKey) {
  auto file = load("x3dh.json");
  ASSERT_TRUE(first_case_passes(file));
  auto& c = file["cases"][0];
  c["x3dh_root_key"] = flip_hex(c["x3dh_root_key"], 10);
  EXPECT_FALSE(first_case_passes(file));
}

TEST(conformance_session_vectors, X3dhCatchesAChangedFirstMessage) {
  auto file = load("x3dh.json");
  auto& c = file["cases"][0];
  c["first_message"] = flip_hex(c["first_message"], 100);
  EXPECT_FALSE(first_case_passes(file));
}

TEST(conformance_session_vectors, RatchetTranscriptCatchesAChangedMessageAndState) {
  auto file = load("ratchet-transcript.json");
  ASSERT_TRUE(first_case_passes(file));
  auto changed_message = file;
  auto& step = changed_message["cases"][0]["steps"][5];  // Bob's first send
  step["message"] = flip_hex(step["message"], 40);
  EXPECT_FALSE(first_case_passes(changed_message));
  auto changed_state = file;
  auto& state = changed_state["cases"][0]["steps"][8]["state"];  // after Alice's DH step
  state["root_key"] = flip_hex(state["root_key"], 0);
  EXPECT_FALSE(first_case_passes(changed_state));
}

TEST(conformance_session_vectors, SessionNegativeCatchesAWrongErrorAndAnAcceptedMessage) {
  auto file = load("session-negative.json");
  ASSERT_TRUE(first_case_passes(file));
  auto wrong_error = file;
  wrong_error["cases"][0]["error"] = "malformed";  // bad-mac is decrypt_failed
  EXPECT_FALSE(first_case_passes(wrong_error));
  // The duplicate case without its history: the message now decrypts, which must fail the case.
  auto accepted = file;
  for (auto& c : accepted["cases"])
    if (c["id"] == "duplicate") {
      c["history"] = json::array();
      accepted["cases"] = json::array({c});
      break;
    }
  EXPECT_FALSE(first_case_passes(accepted));
}

TEST(conformance_session_vectors, NoisePipesCatchesAChangedHandshakeTransportAndHash) {
  auto file = load("noise-pipes.json");
  ASSERT_TRUE(first_case_passes(file));
  auto header = file;  // the connection header is the prologue: another version byte changes all
  header["cases"][0]["messages"][0]["bytes"] = flip_hex(header["cases"][0]["messages"][0]["bytes"], 7);
  EXPECT_FALSE(first_case_passes(header));
  auto transport = file;
  auto& last = transport["cases"][0]["messages"].back();
  last["bytes"] = flip_hex(last["bytes"], 20);
  EXPECT_FALSE(first_case_passes(transport));
  auto frame = file;
  auto& frames = frame["cases"][0]["messages"].back()["frames"];
  frames[0] = flip_hex(frames[0], 0);
  EXPECT_FALSE(first_case_passes(frame));
  auto hash = file;
  hash["cases"][0]["handshake_hash"] = flip_hex(hash["cases"][0]["handshake_hash"], 3);
  EXPECT_FALSE(first_case_passes(hash));
  auto pattern = file;
  pattern["cases"][0]["pattern"] = "IK";
  EXPECT_FALSE(first_case_passes(pattern));
}

}  // namespace
}  // namespace parley::conformance
