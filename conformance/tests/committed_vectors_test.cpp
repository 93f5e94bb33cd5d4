// Every committed vector file is verified in full: each file has an entry below with its type and
// exact number of cases, every case passes (none fails, none is skipped), and a file without an
// entry fails. A verifier lost from the registry, a file its verifier stopped reading, or a case
// quietly dropped from a regenerated file would each change a count here; a lower bound on the
// total would not notice.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "parley/conformance/registry.h"
#include "parley/conformance/vector_file.h"

namespace parley::conformance {
namespace {

struct Expected {
  std::string_view type;
  std::size_t cases;
};

// Paths relative to the repository root. A new file needs an entry: its type (`noise` for the
// standard Noise files) and the number of cases it holds, all of which must pass.
const std::map<std::string, Expected>& expected_files() {
  static const std::map<std::string, Expected> table{
      {"spec/vectors/crypto-basics.json", {"crypto-basics", 47}},
      {"spec/vectors/device-link.json", {"device-link", 8}},
      {"spec/vectors/fanout.json", {"fanout", 11}},
      {"spec/vectors/fingerprint.json", {"fingerprint", 13}},
      {"spec/vectors/noise-pipes.json", {"noise-pipes", 3}},
      {"spec/vectors/noise-pipes-suites.json", {"noise-pipes", 24}},
      {"spec/vectors/ratchet-transcript.json", {"ratchet-transcript", 1}},
      {"spec/vectors/ratchet-transcript-conversations.json", {"ratchet-transcript", 8}},
      {"spec/vectors/receipts.json", {"receipts", 10}},
      {"spec/vectors/session-negative.json", {"session-negative", 12}},
      {"spec/vectors/signal-sender-key.json", {"signal-sender-key", 7}},
      {"spec/vectors/group-membership.json", {"group-membership", 7}},
      {"spec/vectors/whatsapp-media.json", {"whatsapp-media", 46}},
      {"spec/vectors/x3dh.json", {"x3dh", 2}},
      {"spec/vectors/x3dh-prekey-combinations.json", {"x3dh", 17}},
      {"tests/data/external/fingerprint.json", {"fingerprint", 1}},
      {"tests/data/external/hkdf.json", {"hkdf", 2}},
      {"tests/data/external/noise-cacophony.json", {"noise", 17}},
      {"tests/data/external/signal-ratchet-kdf.json", {"signal-ratchet-kdf", 1}},
      {"tests/data/external/signal-session-setup.json", {"signal-session-setup", 2}},
      {"tests/data/external/signal-sender-key.json", {"signal-sender-key", 1}},
      {"tests/data/external/signal-transcript.json", {"signal-transcript", 2}},
      {"tests/data/external/whatsapp-media.json", {"whatsapp-media", 3}},
      {"tests/data/external/x25519.json", {"x25519", 6}},
      {"tests/data/external/xeddsa-sign.json", {"xeddsa-sign", 1}},
      {"tests/data/external/xeddsa-verify.json", {"xeddsa-verify", 3}},
      {"tests/data/rfc/rfc4231-hmac-sha256.json", {"hmac-sha256", 7}},
      {"tests/data/rfc/rfc5869-hkdf.json", {"hkdf", 3}},
      {"tests/data/rfc/rfc7748-x25519.json", {"x25519", 9}},
      {"tests/data/rfc/rfc8032-ed25519.json", {"ed25519-verify", 11}},
  };
  return table;
}

const std::filesystem::path kRoot(PARLEY_SOURCE_DIR);

// Every vector file on disk, relative to the root. Markdown files are documentation (SOURCES.md);
// anything else counts, so a vector file in another format would need an entry too.
std::set<std::string> files_on_disk() {
  std::set<std::string> out;
  for (const char* dir : {"spec/vectors", "tests/data"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kRoot / dir)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
      out.insert(std::filesystem::relative(entry.path(), kRoot).generic_string());
    }
  }
  return out;
}

TEST(committed_vectors, EveryFileOnDiskHasAnEntryAndEveryEntryAFile) {
  const auto on_disk = files_on_disk();
  for (const auto& path : on_disk)
    EXPECT_TRUE(expected_files().count(path))
        << path << " is not in conformance/tests/committed_vectors_test.cpp: add its type and case count "
        << "there, so that the test can tell when its cases stop being verified";
  for (const auto& [path, expected] : expected_files())
    EXPECT_TRUE(on_disk.count(path)) << path << " is listed but missing";
}

TEST(committed_vectors, EveryCaseOfEveryFilePasses) {
  for (const auto& [path, expected] : expected_files()) {
    SCOPED_TRACE(path);
    std::ifstream in(kRoot / path, std::ios::binary);
    ASSERT_TRUE(in) << "cannot read " << path;
    std::stringstream text;
    text << in.rdbuf();
    auto file = VectorFile::parse(text.str());
    ASSERT_TRUE(file.ok()) << core::to_string(file.error());
    EXPECT_EQ(file->type(), expected.type);
    ASSERT_NE(find_verifier(file->type()), nullptr) << "no verifier for type '" << file->type() << "'";

    std::size_t passed = 0, failed = 0, skipped = 0;
    for (const auto& r : verify_cases(*file)) {
      if (!r.outcome.ok()) {
        ++failed;
        ADD_FAILURE() << r.id << ": malformed: " << core::to_string(r.outcome.error());
        continue;
      }
      switch (r.outcome->verdict) {
        case Verdict::pass:
          ++passed;
          break;
        case Verdict::fail:
          ++failed;
          ADD_FAILURE() << r.id << ": " << r.outcome->reason;
          break;
        case Verdict::skip:
          ++skipped;
          ADD_FAILURE() << r.id << " skipped: " << r.outcome->reason;
          break;
      }
    }
    EXPECT_EQ(file->cases().size(), expected.cases)
        << "the file holds another number of cases than its entry";
    EXPECT_EQ(passed, expected.cases);
    EXPECT_EQ(failed, 0u);
    EXPECT_EQ(skipped, 0u);
  }
}

// A type the registry verifies but no committed file exercises would be checked by nothing.
TEST(committed_vectors, EveryVerifiedTypeHasACommittedFile) {
  std::set<std::string_view> covered;
  for (const auto& [path, expected] : expected_files()) covered.insert(expected.type);
  for (auto type : supported_types())
    EXPECT_TRUE(covered.count(type)) << "type '" << type << "' has a verifier but no committed file";
}

}  // namespace
}  // namespace parley::conformance
