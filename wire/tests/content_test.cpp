// Message content (spec §8.6): every content the encoder writes, the decoder reads back, down to
// the smallest (fuzz_content found that a tiny own-device copy once exhausted its own traversal
// budget), and the device ciphertext's type byte is checked.
#include "parley/wire/content.h"
#include "parley/wire/device_ciphertext.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace parley::wire {
namespace {

using core::Errc;

RC_GTEST_PROP(Content, EveryContentRoundTrips, (std::uint64_t id, std::uint64_t ts, const std::string& text, bool own,
                                                 std::uint64_t to)) {
  const Content c{id, ts, text, own ? std::optional<std::uint64_t>(to) : std::nullopt};
  const auto encoded = encode_content(c);
  RC_ASSERT(encoded.ok());
  RC_ASSERT(decode_content(*encoded).value() == c);
}

TEST(Content, TheSmallestContentsRoundTrip) {
  for (const auto& c : {Content{0, 0, "", std::nullopt}, Content{0, 0, "", 0}, Content{1, 2, "", 3}}) {
    const auto decoded = decode_content(encode_content(c).value());
    ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
    EXPECT_EQ(*decoded, c);
  }
}

TEST(Content, TooLargeOrForeignBytesAreRefused) {
  EXPECT_EQ(encode_content({1, 1, std::string(kMaxContentSize + 1, 'x'), std::nullopt}).code(), Errc::limit_exceeded);
  EXPECT_EQ(decode_content(core::Bytes(16, 0xff)).code(), Errc::malformed);
}

RC_GTEST_PROP(Content, EveryReceiptRoundTrips, (std::uint64_t id, std::uint64_t chat, std::uint8_t type)) {
  using protocol::receipts::Status;
  const Status types[] = {Status::delivered, Status::read, Status::played};
  ReceiptBody r{types[type % 3], chat, {}};
  const auto count = *rc::gen::inRange<std::size_t>(1, 64);
  for (std::size_t i = 0; i < count; ++i)
    r.marks.push_back({r.type == Status::read ? static_cast<std::uint32_t>(i + 1) : *rc::gen::inRange<std::uint32_t>(1, 9),
                       *rc::gen::inRange<std::uint64_t>(1, ~std::uint64_t{0})});
  const Content c{id, 0, "", std::nullopt, r};
  const auto encoded = encode_content(c);
  RC_ASSERT(encoded.ok());
  RC_ASSERT(decode_content(*encoded).value() == c);
}

TEST(Content, AReceiptMustNameMessagesOnce) {
  using protocol::receipts::Status;
  auto receipt = [](Status type, std::vector<ReceiptMark> marks) {
    return encode_content({1, 1, "", std::nullopt, ReceiptBody{type, 7, std::move(marks)}}).code();
  };
  EXPECT_EQ(receipt(Status::delivered, {}), Errc::malformed);
  EXPECT_EQ(receipt(Status::delivered, {{0, 5}}), Errc::malformed);
  EXPECT_EQ(receipt(Status::delivered, {{1, 0}}), Errc::malformed);
  EXPECT_EQ(receipt(Status::sent, {{1, 5}}), Errc::malformed);
  EXPECT_EQ(receipt(Status::read, {{1, 5}, {1, 9}}), Errc::malformed);  // two "up to" for one device
  EXPECT_TRUE(encode_content({1, 1, "", std::nullopt, ReceiptBody{Status::delivered, 7, {{1, 5}, {1, 9}}}}).ok());
  EXPECT_EQ(receipt(Status::delivered, std::vector<ReceiptMark>(kMaxReceiptMarks + 1, {1, 1})), Errc::limit_exceeded);
  EXPECT_TRUE(encode_content({1, 1, "", std::nullopt, ReceiptBody{Status::delivered, 7,
                                                                   std::vector<ReceiptMark>(kMaxReceiptMarks, {1, 1})}})
                  .ok());
}

TEST(DeviceCiphertext, CarriesTheMessageType) {
  const protocol::OutgoingMessage m{protocol::MessageType::prekey, core::Bytes{1, 2, 3}};
  const auto bytes = encode_device_ciphertext(m);
  EXPECT_EQ(bytes, (core::Bytes{3, 1, 2, 3}));
  const auto back = decode_device_ciphertext(bytes).value();
  EXPECT_EQ(back.message.type, protocol::MessageType::prekey);
  EXPECT_EQ(back.message.wire, m.wire);
  EXPECT_EQ(back.retry_of, 0u);
  const auto resend = encode_device_ciphertext(m, 0x0102030405060708);
  EXPECT_EQ(resend, (core::Bytes{0x83, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3}));
  EXPECT_EQ(decode_device_ciphertext(resend).value().retry_of, 0x0102030405060708u);
  EXPECT_EQ(decode_device_ciphertext(core::Bytes{0x82, 0, 0, 0, 0, 0, 0, 0, 0, 1}).code(), Errc::malformed);
  EXPECT_EQ(decode_device_ciphertext(core::Bytes{4, 1}).code(), Errc::malformed);
  EXPECT_EQ(decode_device_ciphertext(core::Bytes{2}).code(), Errc::malformed);
}

RC_GTEST_PROP(Content, EveryGroupMessageAndSenderKeyRoundTrips,
              (std::uint64_t id, const std::string& text, std::uint64_t version, bool key)) {
  // spec §11.3: a group message names its group and the membership it was written for; a sender
  // key names its group too.
  const GroupContext group{core::Bytes(16, 0x11), version == 0 ? 1 : version, core::Bytes(32, 0x22)};
  Content c{id, 5, key ? "" : text};
  c.group = group;
  if (key) c.distribution = core::Bytes(*rc::gen::inRange<std::size_t>(1, kMaxDistributionSize + 1), 0x33);
  const auto encoded = encode_content(c);
  RC_ASSERT(encoded.ok());
  RC_ASSERT(decode_content(*encoded).value() == c);
}

TEST(Content, AGroupContextIsWholeAndAlone) {
  const GroupContext good{core::Bytes(16, 1), 1, core::Bytes(32, 2)};
  auto with = [](GroupContext g, std::optional<core::Bytes> key = std::nullopt) {
    Content c{1, 1, ""};
    c.group = std::move(g);
    c.distribution = std::move(key);
    return encode_content(c);
  };
  EXPECT_EQ(with({core::Bytes(15, 1), 1, core::Bytes(32, 2)}).code(), Errc::malformed);
  EXPECT_EQ(with({core::Bytes(16, 1), 0, core::Bytes(32, 2)}).code(), Errc::malformed);
  EXPECT_EQ(with({core::Bytes(16, 1), 1, core::Bytes(31, 2)}).code(), Errc::malformed);
  EXPECT_EQ(with(good, core::Bytes(kMaxDistributionSize + 1, 3)).code(), Errc::malformed);
  EXPECT_EQ(with(good, core::Bytes{}).code(), Errc::malformed);
  Content key_without_group{1, 1, ""};
  key_without_group.distribution = core::Bytes(80, 3);
  EXPECT_EQ(encode_content(key_without_group).code(), Errc::malformed);
  Content group_copy{1, 1, "x", 7};
  group_copy.group = good;
  EXPECT_EQ(encode_content(group_copy).code(), Errc::malformed);  // a group message is never an own-device copy
  EXPECT_TRUE(with(good).ok());
}

TEST(DeviceCiphertext, AGroupMessageIsTypeFourAndNeverAPairwiseOne) {
  const core::Bytes message{0x33, 1, 2, 3};
  const auto bytes = encode_group_ciphertext(message);
  ASSERT_EQ(bytes.front(), kGroupMessageType);
  const auto inner = group_message_of(bytes);
  ASSERT_TRUE(inner.has_value());
  EXPECT_TRUE(std::equal(inner->begin(), inner->end(), message.begin(), message.end()));
  EXPECT_EQ(decode_device_ciphertext(bytes).code(), Errc::malformed);
  EXPECT_FALSE(group_message_of(core::Bytes{2, 1, 2}).has_value());
}

}  // namespace
}  // namespace parley::wire
