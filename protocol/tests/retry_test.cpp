// Retry on decryption failure (spec §8.5): five requests at most, a fresh bundle from the second,
// the sender resends to the asking device alone, once per request, and forgets what it must.
#include "parley/protocol/retry/retry.h"

#include <gtest/gtest.h>

namespace parley::protocol::retry {
namespace {

using core::Errc;

const MessageKey kMessage{10, 2, 77};  // sent by account 10, device 2, message 77

TEST(Retry, FiveRequestsAtMostWithAFreshBundleFromTheSecond) {
  Requester r;
  for (std::uint32_t attempt = 1; attempt <= kMaxRetryRequests; ++attempt) {
    const auto request = r.on_decrypt_failure(kMessage).value();
    EXPECT_EQ(request.attempt, attempt);
    EXPECT_EQ(request.attach_fresh_bundle, attempt >= 2);
  }
  EXPECT_EQ(r.on_decrypt_failure(kMessage).code(), Errc::limit_exceeded);
  EXPECT_TRUE(r.on_decrypted(kMessage));
  EXPECT_FALSE(r.on_decrypted(kMessage));  // asked for once, settled once
  EXPECT_FALSE(r.on_decrypted({10, 3, 77}));  // another device's resend settles nothing
  EXPECT_EQ(r.tracked(), 0u);
  EXPECT_EQ(r.on_decrypt_failure(kMessage).value().attempt, 1u);
}

TEST(Retry, TheRequesterForgetsTheOldestPastItsBound) {
  Requester r;
  for (std::uint64_t m = 0; m < kMaxTrackedMessages + 10; ++m) ASSERT_TRUE(r.on_decrypt_failure({10, 2, m}).ok());
  EXPECT_EQ(r.tracked(), kMaxTrackedMessages);
}

TEST(Retry, TheSenderResendsToTheAskingDeviceOncePerRequest) {
  Responder s;
  s.on_sent(77);
  Requester r;
  const auto first = r.on_decrypt_failure(kMessage).value();
  const auto resend = s.on_request(10, 2, 20, 3, first, false).value();
  EXPECT_EQ(resend.to_account, 20u);
  EXPECT_EQ(resend.to_device, 3u);
  EXPECT_FALSE(resend.new_session);
  EXPECT_EQ(s.on_request(10, 2, 20, 3, first, false).code(), Errc::replayed);
  const auto second = r.on_decrypt_failure(kMessage).value();
  EXPECT_TRUE(s.on_request(10, 2, 20, 3, second, true).value().new_session);
  // Another device of the same account asks separately.
  EXPECT_TRUE(s.on_request(10, 2, 20, 4, first, false).ok());
}

TEST(Retry, TheSenderRefusesRequestsThatCannotBeRight) {
  Responder s;
  s.on_sent(77);
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {{10, 2, 78}, 1, false}, false).code(), Errc::not_found);
  EXPECT_EQ(s.on_request(10, 1, 20, 3, {kMessage, 1, false}, false).code(), Errc::malformed);  // another sender
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {kMessage, 0, false}, false).code(), Errc::malformed);
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {kMessage, 2, false}, false).code(), Errc::malformed);  // no bundle on 2
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {kMessage, 1, true}, true).code(), Errc::malformed);    // one on 1
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {kMessage, 6, true}, true).code(), Errc::limit_exceeded);
  for (std::uint64_t m = 1000; m < 1000 + kMaxTrackedMessages; ++m) s.on_sent(m);
  EXPECT_EQ(s.on_request(10, 2, 20, 3, {kMessage, 1, false}, false).code(), Errc::not_found);  // forgotten
}

}  // namespace
}  // namespace parley::protocol::retry
