// VectorFile and Case: the reader is an input edge, so every way a file or a field can be wrong
// must come back as `malformed` naming the case and the field.
#include "parley/conformance/vector_file.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace parley::conformance {
namespace {

using core::Errc;

VectorFile parse_ok(std::string_view text) {
  auto file = VectorFile::parse(text);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : core::to_string(file.error()));
  return std::move(file).value();
}

void expect_malformed(const core::Error& e, std::initializer_list<std::string_view> mentions) {
  EXPECT_EQ(e.code, Errc::malformed);
  for (auto m : mentions)
    EXPECT_NE(e.detail.find(m), std::string::npos) << "'" << m << "' not in: " << e.detail;
}

constexpr std::string_view kFile = R"({
  "type": "hkdf", "version": 1,
  "cases": [
    {"id": "c1", "ikm": "0B0b", "salt": "", "length": 42, "valid": true, "error": null, "n": -1, "f": 1.5},
    {"salt": "00"}
  ]})";

TEST(conformance_vector_file, ReadsTypeVersionAndCaseIds) {
  const VectorFile file = parse_ok(kFile);
  EXPECT_EQ(file.format(), FileFormat::parley);
  EXPECT_EQ(file.type(), "hkdf");
  EXPECT_EQ(file.version(), 1u);
  ASSERT_EQ(file.cases().size(), 2u);
  EXPECT_EQ(file.cases()[0].id(), "c1");
  EXPECT_EQ(file.cases()[1].id(), "#1");  // no id: the index says which
}

TEST(conformance_vector_file, AccessorsReadTypedValues) {
  const VectorFile file = parse_ok(kFile);
  const Case& c = file.cases()[0];
  EXPECT_EQ(*c.bytes("ikm"), (core::Bytes{0x0b, 0x0b}));  // uppercase digits are read too
  EXPECT_TRUE(c.bytes("salt")->empty());
  EXPECT_EQ(*c.uint("length"), 42u);
  EXPECT_TRUE(*c.boolean("valid"));
  EXPECT_TRUE(c.has("ikm"));
  EXPECT_FALSE(c.has("error"));  // null is absent
  EXPECT_FALSE(c.optional_bytes("error")->has_value());
  EXPECT_FALSE(c.optional_errc("error")->has_value());
}

TEST(conformance_vector_file, BadHexNamesCaseAndField) {
  const VectorFile file =
      parse_ok(R"({"type":"hkdf","version":1,"cases":[{"id":"odd","ikm":"0g"},{"id":"len","ikm":"abc"}]})");
  auto bad_char = file.cases()[0].bytes("ikm");
  ASSERT_FALSE(bad_char.ok());
  expect_malformed(bad_char.error(), {"case 'odd'", "field 'ikm'", "bad hex"});
  auto odd_length = file.cases()[1].bytes("ikm");
  ASSERT_FALSE(odd_length.ok());
  expect_malformed(odd_length.error(), {"case 'len'", "field 'ikm'", "odd length"});
}

TEST(conformance_vector_file, MissingAndMistypedFieldsAreMalformed) {
  const VectorFile file = parse_ok(kFile);
  const Case& c = file.cases()[0];
  expect_malformed(c.bytes("okm").error(), {"case 'c1'", "field 'okm'", "missing"});
  expect_malformed(c.bytes("error").error(), {"field 'error'", "missing"});  // null where a value is required
  expect_malformed(c.bytes("length").error(), {"field 'length'", "hex string"});
  expect_malformed(c.string("length").error(), {"field 'length'"});
  expect_malformed(c.uint("ikm").error(), {"field 'ikm'", "non-negative integer"});
  expect_malformed(c.uint("n").error(), {"field 'n'"});  // negative
  expect_malformed(c.uint("f").error(), {"field 'f'"});  // fraction
  expect_malformed(c.boolean("length").error(), {"field 'length'", "true or false"});
}

TEST(conformance_vector_file, UnknownErrorNameIsMalformed) {
  const VectorFile file = parse_ok(
      R"({"type":"x","version":1,"cases":[{"id":"a","error":"bad_vibes"},{"id":"b","error":"bad_key"}]})");
  expect_malformed(file.cases()[0].optional_errc("error").error(),
                   {"case 'a'", "field 'error'", "bad_vibes"});
  EXPECT_EQ(**file.cases()[1].optional_errc("error"), Errc::bad_key);
}

TEST(conformance_vector_file, NonObjectCaseHasNoFields) {
  const VectorFile file = parse_ok(R"({"type":"x","version":1,"cases":[42]})");
  const Case& c = file.cases()[0];
  EXPECT_EQ(c.id(), "#0");
  EXPECT_FALSE(c.has("id"));
  expect_malformed(c.bytes("id").error(), {"case '#0'", "not a JSON object"});
}

TEST(conformance_vector_file, BrokenFilesAreMalformedNamingTheField) {
  expect_malformed(VectorFile::parse("{not json").error(), {"not JSON"});
  expect_malformed(VectorFile::parse("\"\xff\"").error(), {"not JSON"});  // invalid UTF-8
  expect_malformed(VectorFile::parse("[1, 2]").error(), {"not an object"});
  expect_malformed(VectorFile::parse(R"({"version":1,"cases":[]})").error(), {"field 'type'", "missing"});
  expect_malformed(VectorFile::parse(R"({"type":7,"version":1,"cases":[]})").error(), {"field 'type'"});
  expect_malformed(VectorFile::parse(R"({"type":"x","cases":[]})").error(), {"field 'version'"});
  expect_malformed(VectorFile::parse(R"({"type":"x","version":"1","cases":[]})").error(),
                   {"field 'version'"});
  expect_malformed(VectorFile::parse(R"({"type":"x","version":1})").error(), {"field 'cases'"});
  expect_malformed(VectorFile::parse(R"({"type":"x","version":1,"cases":{}})").error(), {"field 'cases'"});
  expect_malformed(VectorFile::parse(R"({"vectors":{}})").error(), {"field 'vectors'"});
}

TEST(conformance_vector_file, NoiseFilesGetNameAndIndexIds) {
  // cacophony/snow name the protocol; noise-c's older format has `name`, or only its parts.
  const VectorFile file = parse_ok(R"({"vectors":[
      {"protocol_name": "Noise_XX_25519_AESGCM_SHA256"},
      {"name": "Noise_IK_25519_ChaChaPoly_BLAKE2s", "pattern": "IK"},
      {"pattern": "XX", "dh": "25519", "cipher": "AESGCM", "hash": "SHA256", "fallback": true},
      {"pattern": "NN"},
      {"protocol_name": "Noise_XX_25519_AESGCM_SHA256"}]})");
  EXPECT_EQ(file.format(), FileFormat::noise);
  EXPECT_EQ(file.type(), kNoiseType);
  ASSERT_EQ(file.cases().size(), 5u);
  EXPECT_EQ(file.cases()[0].id(), "Noise_XX_25519_AESGCM_SHA256#0");
  EXPECT_EQ(file.cases()[1].id(), "Noise_IK_25519_ChaChaPoly_BLAKE2s#1");
  EXPECT_EQ(file.cases()[2].id(), "Noise_XX_25519_AESGCM_SHA256#2");
  EXPECT_EQ(file.cases()[3].id(), "vector#3");
  EXPECT_EQ(file.cases()[4].id(), "Noise_XX_25519_AESGCM_SHA256#4");
}

TEST(conformance_vector_file, CasesStayValidWhenTheFileMoves) {
  std::vector<VectorFile> files;
  files.push_back(parse_ok(kFile));
  for (int i = 0; i < 8; ++i) files.push_back(parse_ok(kFile));  // reallocates, moving the files
  const VectorFile copy = files.front();
  files.clear();
  EXPECT_EQ(*copy.cases()[0].uint("length"), 42u);
}

}  // namespace
}  // namespace parley::conformance
