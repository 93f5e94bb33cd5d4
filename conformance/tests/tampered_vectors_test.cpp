// The fingerprint and receipts verifiers catch a changed expectation: each committed case passes,
// and the same case with one output changed fails (or, with a broken input, is malformed), so a
// verifier that checked nothing could not pass these files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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

}  // namespace
}  // namespace parley::conformance
