// crypto-basics generation: deterministic, labelled (a value depends only on its label), and
// everything it writes verifies.
#include "parley/conformance/generator.h"

#include <gtest/gtest.h>

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

TEST(conformance_generator, UnknownTypeIsUnsupported) {
  auto text = generate("signal-transcript");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.code(), core::Errc::unsupported);
}

}  // namespace
}  // namespace parley::conformance
