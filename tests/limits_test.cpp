// Every bound of spec §2.2 against its constant: the table in spec/protocol.md is read, each row's
// value must be the constant's, every constant of the list below must have its row, and no row may
// name a constant the list does not know. (Each bound's behaviour at N and N + 1 is tested where the
// table's last column says.) The two constants the frame codec and the channel each hold must agree.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "parley/client/engine.h"
#include "parley/crypto/hkdf.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/devices/link_offer.h"
#include "parley/protocol/fanout/planner.h"
#include "parley/protocol/groups/membership_log.h"
#include "parley/protocol/limits.h"
#include "parley/protocol/padding.h"
#include "parley/protocol/retry/retry.h"
#include "parley/protocol/signed_prekey_ring.h"
#include "parley/server/handler/frame_handler.h"
#include "parley/transport/channel/chunks.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/noise/limits.h"
#include "parley/wire/content.h"
#include "parley/wire/frames/frame.h"
#include "parley/wire/libsignal_codec.h"
#include "parley/wire/limits.h"

namespace parley {
namespace {

// The frame codec (wire/) and the channel (transport/) know the frames' version and largest size
// each on its own, since neither layer depends on the other; they must be the same numbers.
static_assert(wire::kMaxFrameSize == transport::channel::kMaxFrameSize);
static_assert(wire::kFrameProtocolVersion == transport::channel::kFrameProtocolVersion);

const std::map<std::string, std::uint64_t>& constants() {
  static const std::map<std::string, std::uint64_t> all = {
      {"kHkdfSha256MaxLength", crypto::kHkdfSha256MaxLength},
      {"kMaxPadding", protocol::kMaxPadding},
      {"kMaxSkippedMessageKeys", protocol::kMaxSkippedMessageKeys},
      {"kMaxForwardJump", protocol::kMaxForwardJump},
      {"kMaxReceiverChains", protocol::kMaxReceiverChains},
      {"kMaxArchivedSessions", protocol::kMaxArchivedSessions},
      {"kMaxSenderKeyForwardJump", protocol::kMaxSenderKeyForwardJump},
      {"kMaxSenderMessageKeys", protocol::kMaxSenderMessageKeys},
      {"kMaxSenderKeyStates", protocol::kMaxSenderKeyStates},
      {"kMaxGroupMembers", protocol::groups::kMaxGroupMembers},
      {"kMaxGroupSubject", protocol::groups::kMaxGroupSubject},
      {"kMaxHeldMembershipEntries", protocol::groups::kMaxHeldMembershipEntries},
      {"kDhStepWork", protocol::kDhStepWork},
      {"kMaxReceiveWork", protocol::kMaxReceiveWork},
      {"kMaxSignedPreKeys", protocol::kMaxSignedPreKeys},
      {"kSignedPreKeyRotationIntervalMs", protocol::kSignedPreKeyRotationIntervalMs},
      {"kSignedPreKeyGracePeriodMs", protocol::kSignedPreKeyGracePeriodMs},
      {"kMaxRetryRequests", protocol::retry::kMaxRetryRequests},
      {"kMaxTrackedMessages", protocol::retry::kMaxTrackedMessages},
      {"kMaxMismatchIds", protocol::fanout::kMaxMismatchIds},
      {"kMaxDevicesPerAccount", protocol::devices::kMaxDevicesPerAccount},
      {"kDeviceListMaxAgeMs", protocol::devices::kDeviceListMaxAgeMs},
      {"kLinkOfferLifetimeMs", protocol::devices::kLinkOfferLifetimeMs},
      {"kMaxLinkOfferText", protocol::devices::kMaxLinkOfferText},
      {"kMaxServerRefSize", protocol::devices::kMaxServerRefSize},
      {"kMaxLibsignalMessageSize", wire::kMaxLibsignalMessageSize},
      {"kMaxCapnpMessageSize", wire::kMaxCapnpMessageSize},
      {"kMaxSessionRecordSize", wire::kMaxSessionRecordSize},
      {"kCapnpNestingLimit", static_cast<std::uint64_t>(wire::kCapnpNestingLimit)},
      {"kCapnpTraversalFactor", wire::kCapnpTraversalFactor},
      {"kMaxContentSize", wire::kMaxContentSize},
      {"kMaxReceiptMarks", wire::kMaxReceiptMarks},
      {"kMaxEncodedContentSize", wire::kMaxEncodedContentSize},
      {"kMaxMediaFileLength", wire::kMaxMediaFileLength},
      {"kMaxThumbnailSize", wire::kMaxThumbnailSize},
      {"kMaxMediaNameSize", wire::kMaxMediaNameSize},
      {"kMaxErrorDetail", wire::kMaxErrorDetail},
      {"kMaxFrameSize", wire::kMaxFrameSize},
      {"kMaxMessageLength", transport::noise::kMaxMessageLength},
      {"kMaxPlaintextLength", transport::noise::kMaxPlaintextLength},
      {"kMaxNonce", transport::noise::kMaxNonce},
      {"kMaxProtocolNameLength", transport::noise::kMaxProtocolNameLength},
      {"kMaxRecordLength", transport::channel::kMaxRecordLength},
      {"kMaxChunkSize", transport::channel::kMaxChunkSize},
      {"kRekeyInterval", transport::channel::kRekeyInterval},
      {"kMaxInFlight", server::kMaxInFlight},
      {"kMaxPendingApprovals", server::kMaxPendingApprovals},
      {"kApprovalLifetimeMs", server::kApprovalLifetimeMs},
      {"kMaxLinkMessageSize", server::kMaxLinkMessageSize},
      {"kMaxReplans", client::kMaxReplans},
      {"kMaxReceiptsAhead", client::kMaxReceiptsAhead},
      {"kPrekeyBatch", client::kPrekeyBatch},
      {"kMaxBundleFetches", client::kMaxBundleFetches},
      {"kMaxOneTimePreKeys", client::kMaxOneTimePreKeys},
      {"kMaxHeldPerDevice", client::kMaxHeldPerDevice},
      {"kDeviceListRepublishMs", client::kDeviceListRepublishMs},
      {"kCheckpointIntervalMs", client::kCheckpointIntervalMs},
      {"kMaxWaitingGroupMessages", client::kMaxWaitingGroupMessages},
      {"kMaxDistributionSize", wire::kMaxDistributionSize},
  };
  return all;
}

// The rows of §2.2's table: the constant's name and the first number of its value column.
std::map<std::string, std::string> spec_rows() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/spec/protocol.md");
  std::stringstream text;
  text << in.rdbuf();
  const auto all = text.str();
  const auto start = all.find("### 2.2 Limits");
  const auto end = all.find("### 2.3", start);
  EXPECT_NE(start, std::string::npos);
  std::istringstream section(all.substr(start, end - start));
  std::map<std::string, std::string> rows;
  const std::regex row(R"(^\| `(k[A-Za-z0-9]+)` \| ([0-9]+)[^|]*\|)");
  for (std::string line; std::getline(section, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) {
      EXPECT_FALSE(rows.contains(m[1])) << m[1] << " has two rows";
      rows[m[1]] = m[2];
    }
  }
  return rows;
}

TEST(Limits, EveryBoundIsListedOnceInTheSpecWithItsValue) {
  const auto rows = spec_rows();
  for (const auto& [name, value] : constants()) {
    const auto row = rows.find(name);
    if (row == rows.end()) {
      ADD_FAILURE() << name << " has no row in spec §2.2";
      continue;
    }
    EXPECT_EQ(row->second, std::to_string(value)) << name << ": the spec says " << row->second << ", the code " << value;
  }
  for (const auto& [name, value] : rows)
    EXPECT_TRUE(constants().contains(name)) << "spec §2.2 lists " << name << ", which this test does not know";
}

// The tests the table's last column names: `Suite.Name` (a typed suite as `Suite/*.Name`).
std::set<std::pair<std::string, std::string>> named_tests() {
  std::ifstream in(std::string(PARLEY_SOURCE_DIR) + "/spec/protocol.md");
  std::stringstream text;
  text << in.rdbuf();
  const auto all = text.str();
  const auto start = all.find("### 2.2 Limits");
  std::istringstream section(all.substr(start, all.find("### 2.3", start) - start));
  std::set<std::pair<std::string, std::string>> out;
  const std::regex name(R"(`([A-Z][A-Za-z0-9]*)(?:/\*)?\.([A-Z][A-Za-z0-9]*)`)");
  for (std::string line; std::getline(section, line);) {
    if (!line.starts_with("| `k")) continue;
    const auto last = line.substr(line.rfind('|', line.size() - 2));
    for (std::sregex_iterator it(last.begin(), last.end(), name), end; it != end; ++it) out.insert({(*it)[1], (*it)[2]});
  }
  return out;
}

// Every test the table names is defined in a test source (`(Suite, Name)` as TEST, TEST_F,
// TYPED_TEST and RC_GTEST_PROP write it), so that the table cannot point at a test that does not exist.
TEST(Limits, EveryTestTheTableNamesExists) {
  std::string sources;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(PARLEY_SOURCE_DIR)) {
    const auto path = entry.path().string();
    if (path.find("/build/") != std::string::npos || path.find("/.git/") != std::string::npos) continue;
    if (!entry.is_regular_file() || !path.ends_with("_test.cpp")) continue;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    sources += text.str();
  }
  const auto tests = named_tests();
  EXPECT_GT(tests.size(), 30u);
  for (const auto& [suite, test] : tests) {
    const auto head = "(" + suite + ", " + test;
    const bool defined = sources.find(head + ")") != std::string::npos || sources.find(head + ",") != std::string::npos;
    EXPECT_TRUE(defined) << suite << "." << test << " is named in spec §2.2 but defined nowhere";
  }
}

}  // namespace
}  // namespace parley
