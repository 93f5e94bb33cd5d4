// Generation: deterministic, labelled (a value depends only on its label), everything it writes
// verifies, and the generators and the committed files under spec/vectors/ match one to one.
#include "parley/conformance/generator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "parley/conformance/labelled_seed.h"
#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"
#include "parley/core/hex.h"
#include "parley/crypto/hash.h"

namespace parley::conformance {
namespace {

TEST(conformance_generator, LabelledValuesDependOnlyOnTheirLabel) {
  const LabelledSeed a("parley crypto-basics v1");
  const LabelledSeed b("parley crypto-basics v1");
  EXPECT_EQ(a.seed(), crypto::sha256(core::as_bytes("parley crypto-basics v1")));
  const auto first = a.derive("case/key", 32);
  (void)b.derive("case/other", 64);  // other derivations in between change nothing
  EXPECT_EQ(b.derive("case/key", 32), first);
  EXPECT_NE(a.derive("case/iv", 32), first);
  EXPECT_NE(LabelledSeed("parley crypto-basics v2").derive("case/key", 32), first);
  EXPECT_TRUE(a.derive("case/empty", 0).empty());
}

TEST(conformance_generator, CryptoBasicsIsDeterministicAndVerifies) {
  auto text = generate("crypto-basics");
  ASSERT_TRUE(text.ok()) << core::to_string(text.error());
  EXPECT_EQ(*generate("crypto-basics"), *text);
  ASSERT_EQ(text->back(), '\n');

  auto file = VectorFile::parse(*text);
  ASSERT_TRUE(file.ok()) << core::to_string(file.error());
  EXPECT_EQ(file->type(), "crypto-basics");
  EXPECT_EQ(file->version(), 1u);
  std::size_t negative = 0;
  for (const auto& r : verify_cases(*file)) {
    ASSERT_TRUE(r.outcome.ok()) << r.id << ": " << core::to_string(r.outcome.error());
    EXPECT_EQ(r.outcome->verdict, Verdict::pass) << r.id << ": " << r.outcome->reason;
    if (r.outcome->reason.rfind("rejected with", 0) == 0) ++negative;
  }
  EXPECT_GE(file->cases().size(), 40u);
  EXPECT_GE(negative, 10u);  // the negative cases are really rejected, not skipped
}

TEST(conformance_generator, UnknownNameIsUnsupported) {
  for (const char* name : {"signal-transcript", "x3dh-", "ratchet-transcript-no-such-topic", ""}) {
    auto text = generate(name);
    ASSERT_FALSE(text.ok()) << name;
    EXPECT_EQ(text.code(), core::Errc::unsupported) << name;
  }
}

TEST(conformance_generator, NamesAreTheTypeOrTypeDashTopic) {
  EXPECT_EQ((GeneratedFile{"x3dh", ""}.name()), "x3dh");
  EXPECT_EQ((GeneratedFile{"x3dh", "prekey-combinations"}.name()), "x3dh-prekey-combinations");
  std::set<std::string> names;
  for (const auto& file : generated_files()) {
    EXPECT_FALSE(file.type.empty());
    EXPECT_TRUE(names.insert(file.name()).second) << "two generators write " << file.name();
  }
}

// A generator without a committed file, or a committed file without a generator, would escape
// the regenerate-and-diff tests (which run per committed file).
TEST(conformance_generator, EveryGeneratorHasItsCommittedFileAndViceVersa) {
  const std::filesystem::path dir = std::filesystem::path(PARLEY_SOURCE_DIR) / "spec/vectors";
  std::set<std::string> committed;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json") committed.insert(entry.path().stem().string());
  std::set<std::string> generated;
  for (const auto& file : generated_files()) generated.insert(file.name());
  for (const auto& name : generated)
    EXPECT_TRUE(committed.count(name)) << "generator " << name << " has no spec/vectors/" << name
                                       << ".json: run `make vectors` and commit it";
  for (const auto& name : committed)
    EXPECT_TRUE(generated.count(name))
        << "spec/vectors/" << name << ".json has no generator: `parley-conformance generate " << name
        << "` must reproduce it";
}

}  // namespace
}  // namespace parley::conformance
