// parley-load's ledger must catch what it exists to catch: a lost, duplicated, reordered or
// misdelivered message, while a redelivery (a lost ack) and a refused-then-resent message are not
// faults. And its payload must survive the trip through the server byte for byte.
#include "parley/load/ledger.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/load/payload.h"

namespace parley::load {
namespace {

core::Bytes payload(std::uint32_t sender, std::uint32_t receiver, std::uint64_t message) {
  return encode_load_payload({sender, receiver, message, 0}, 64);
}

// Messages 0..n-1 from device 0 to device 1, each acked and delivered under server id 100 + m.
void clean_run(Ledger& ledger, std::uint64_t n) {
  for (std::uint64_t m = 0; m < n; ++m) {
    ledger.acked(m, 1.0);
    ledger.delivered(1, 100 + m, payload(0, 1, m), 2.0);
  }
}

TEST(LoadPayload, RoundTripsAndPadsToSize) {
  const LoadPayload p{7, 9, 123456789012345ULL, 42};
  const auto bytes = encode_load_payload(p, 200);
  EXPECT_EQ(bytes.size(), 200u);
  auto back = decode_load_payload(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->sender, 7u);
  EXPECT_EQ(back->receiver, 9u);
  EXPECT_EQ(back->message, 123456789012345ULL);
  EXPECT_EQ(back->sent_ns, 42u);
  EXPECT_EQ(encode_load_payload(p, 1).size(), kLoadPayloadHeader);  // never shorter than its header
  EXPECT_EQ(decode_load_payload(core::Bytes(bytes.begin(), bytes.begin() + 27)).code(), core::Errc::malformed);
  auto other = bytes;
  other[0] ^= 1;
  EXPECT_EQ(decode_load_payload(other).code(), core::Errc::malformed);
}

TEST(Ledger, ACleanRunIsCompleteWithNoFaults) {
  Ledger ledger(10);
  clean_run(ledger, 10);
  const auto t = ledger.tally();
  EXPECT_EQ(t.acked, 10u);
  EXPECT_EQ(t.delivered, 10u);
  EXPECT_EQ(t.lost + t.duplicated + t.reordered + t.misdelivered + t.redelivered, 0u);
  EXPECT_TRUE(ledger.complete());
}

TEST(Ledger, AnAcknowledgedMessageNeverDeliveredIsLost) {
  Ledger ledger(2);
  ledger.acked(0, 1);
  ledger.acked(1, 1);
  ledger.delivered(1, 100, payload(0, 1, 0), 1);
  EXPECT_FALSE(ledger.complete());
  EXPECT_EQ(ledger.tally().lost, 1u);
}

TEST(Ledger, AMessageNotYetAcknowledgedKeepsTheRunOpenButIsNotLost) {
  Ledger ledger(2);
  ledger.acked(0, 1);
  ledger.delivered(1, 100, payload(0, 1, 0), 1);
  EXPECT_FALSE(ledger.complete());
  EXPECT_EQ(ledger.tally().lost, 0u);
  ledger.failed(1);  // refused for good: the run can end, and says so
  EXPECT_TRUE(ledger.complete());
  EXPECT_EQ(ledger.tally().failed, 1u);
}

TEST(Ledger, TheSameServerIdAgainIsARedeliveryNotADuplicate) {
  Ledger ledger(3);
  clean_run(ledger, 3);
  ledger.delivered(1, 101, payload(0, 1, 1), 1);
  const auto t = ledger.tally();
  EXPECT_EQ(t.redelivered, 1u);
  EXPECT_EQ(t.duplicated, 0u);
  EXPECT_EQ(t.reordered, 0u);
}

TEST(Ledger, TheSameMessageUnderAnotherServerIdIsADuplicate) {
  Ledger ledger(3);
  clean_run(ledger, 3);
  ledger.delivered(1, 200, payload(0, 1, 1), 1);
  EXPECT_EQ(ledger.tally().duplicated, 1u);
}

TEST(Ledger, AnEarlierMessageAfterALaterOneFromTheSameSenderIsReordered) {
  Ledger ledger(2);
  ledger.acked(0, 1);
  ledger.acked(1, 1);
  ledger.delivered(1, 100, payload(0, 1, 1), 1);
  ledger.delivered(1, 101, payload(0, 1, 0), 1);  // server ids in order, sender order broken
  EXPECT_EQ(ledger.tally().reordered, 1u);
}

TEST(Ledger, ARefusedAndResentMessageMayFollowLaterOnes) {
  Ledger ledger(2);
  ledger.refused(0);
  ledger.acked(1, 1);
  ledger.acked(0, 1);
  ledger.delivered(1, 100, payload(0, 1, 1), 1);
  ledger.delivered(1, 101, payload(0, 1, 0), 1);
  const auto t = ledger.tally();
  EXPECT_EQ(t.reordered, 0u);
  EXPECT_EQ(t.refused, 1u);
  EXPECT_TRUE(ledger.complete());
}

TEST(Ledger, ALowerServerIdAfterAHigherOneBreaksFifoWhateverTheSenders) {
  Ledger ledger(2);
  ledger.acked(0, 1);
  ledger.acked(1, 1);
  ledger.delivered(1, 200, payload(0, 1, 0), 1);
  ledger.delivered(1, 100, payload(2, 1, 1), 1);  // another sender, but the mailbox went backwards
  EXPECT_EQ(ledger.tally().reordered, 1u);
}

TEST(Ledger, AMessageForAnotherDeviceOrForeignBytesAreMisdelivered) {
  Ledger ledger(1);
  ledger.acked(0, 1);
  ledger.delivered(2, 100, payload(0, 1, 0), 1);  // device 2 got device 1's message
  ledger.delivered(1, 101, core::Bytes(40, 7), 1);
  ledger.delivered(1, 102, payload(0, 1, 5), 1);  // a message number the run never had
  EXPECT_EQ(ledger.tally().misdelivered, 3u);
  EXPECT_EQ(ledger.tally().lost, 1u);
}

TEST(Ledger, AcksCountOnce) {
  Ledger ledger(1);
  ledger.acked(0, 5);
  ledger.acked(0, 9);
  EXPECT_EQ(ledger.tally().acked, 1u);
  EXPECT_EQ(ledger.tally().send_to_ack_ms.p50, 5);
}

TEST(Percentiles, NearestRank) {
  std::vector<double> samples;
  for (int i = 1; i <= 1000; ++i) samples.push_back(i);
  const auto p = percentiles(samples);
  EXPECT_EQ(p.p50, 500);
  EXPECT_EQ(p.p99, 990);
  EXPECT_EQ(p.p999, 999);
  EXPECT_EQ(percentiles({}).p99, 0);
}

// Any run in which the server is correct (FIFO deliveries, with any prefix re-sent after a
// reconnect) shows no fault, and every message counts once.
RC_GTEST_PROP(Ledger, RedeliveriesOfAPrefixAreNeverFaults, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(1, 60);
  Ledger ledger(n);
  std::uint64_t delivered_up_to = 0;
  std::uint64_t redeliveries = 0;
  while (delivered_up_to < n) {
    const auto next = std::min(n, delivered_up_to + *rc::gen::inRange<std::uint64_t>(1, 8));
    for (auto m = delivered_up_to; m < next; ++m) {
      ledger.acked(m, 1);
      ledger.delivered(1, 1000 + m, payload(0, 1, m), 1);
    }
    // A reconnect: the unacked tail of what was delivered comes again, same ids, same order.
    const auto again = *rc::gen::inRange<std::uint64_t>(0, next - delivered_up_to + 1);
    for (auto m = next - again; m < next; ++m) ledger.delivered(1, 1000 + m, payload(0, 1, m), 1);
    redeliveries += again;
    delivered_up_to = next;
  }
  const auto t = ledger.tally();
  RC_ASSERT(ledger.complete());
  RC_ASSERT(t.delivered == n);
  RC_ASSERT(t.redelivered == redeliveries);
  RC_ASSERT(t.lost + t.duplicated + t.reordered + t.misdelivered == 0u);
}

}  // namespace
}  // namespace parley::load
