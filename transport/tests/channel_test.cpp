// The Parley channel end to end in memory (spec §6.8): XX, IK, IK falling into XXfallback, the
// pin policies, frames of every size across any split of the byte stream, rekeying, and each
// hostile input's typed error, after which the channel is closed for good.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "channel_fixture.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {
namespace {

using core::Errc;
using namespace testing;

struct Connected {
  ClientChannel client;
  ServerChannel server;
};

Connected connect(ClientChannelConfig client_cfg, ServerChannelConfig server_cfg, crypto::Entropy& entropy) {
  auto opened = ClientChannel::open(std::move(client_cfg), entropy);
  EXPECT_TRUE(opened.ok());
  Connected c{std::move(opened->first), ServerChannel(std::move(server_cfg))};
  complete(c.client, c.server, std::move(opened->second), entropy);
  return c;
}

// Frames one way, delivered in the slices given (sizes cycle), as a socket may cut them.
std::vector<core::Bytes> carry(core::BytesView wire, ServerChannel& server, crypto::Entropy& entropy,
                               std::size_t slice) {
  std::vector<core::Bytes> frames;
  for (std::size_t at = 0; at < wire.size(); at += slice) {
    auto out = server.receive(wire.subspan(at, std::min(slice, wire.size() - at)), entropy);
    EXPECT_TRUE(out.ok()) << core::to_string(out.error());
    if (!out.ok()) break;
    for (auto& f : out->frames) frames.push_back(std::move(f));
  }
  return frames;
}

TEST(Channel, XxAuthenticatesBothKeysAndCarriesCredentials) {
  crypto::StreamEntropy entropy(10);
  auto c = connect(client_config(), server_config(), entropy);
  ASSERT_EQ(c.client.phase(), Phase::established);
  ASSERT_EQ(c.server.phase(), Phase::established);
  EXPECT_EQ(c.client.handshake()->pattern, RecordKind::xx);
  EXPECT_EQ(c.client.handshake()->remote_static, key_pair(2).public_key);
  EXPECT_EQ(c.server.handshake()->remote_static, key_pair(1).public_key);
  EXPECT_EQ(c.server.client()->device, (DeviceCredentials{42, 3}));
  EXPECT_EQ(c.client.handshake()->handshake_hash, c.server.handshake()->handshake_hash);
  EXPECT_FALSE(c.client.server_key_changed());
}

TEST(Channel, IkWithTheRightKeyTakesOneRoundTrip) {
  crypto::StreamEntropy entropy(11);
  auto opened = ClientChannel::open(client_config(key_pair(2).public_key), entropy).value();
  ServerChannel server(server_config());
  auto reply = server.receive(opened.second, entropy).value();
  EXPECT_TRUE(reply.established);  // the server is done after its one reply
  auto done = opened.first.receive(reply.to_send, entropy).value();
  EXPECT_TRUE(done.established);
  EXPECT_TRUE(done.to_send.empty());
  EXPECT_EQ(opened.first.handshake()->pattern, RecordKind::ik);
  EXPECT_EQ(server.client()->device, (DeviceCredentials{42, 3}));
  EXPECT_EQ(server.handshake()->remote_static, key_pair(1).public_key);
}

TEST(Channel, StalePinFallsBackToXxFallbackAndReportsTheNewKey) {
  crypto::StreamEntropy entropy(12);
  auto c = connect(client_config(key_pair(99).public_key), server_config(), entropy);
  ASSERT_EQ(c.client.phase(), Phase::established);
  EXPECT_EQ(c.client.handshake()->pattern, RecordKind::xx_fallback);
  EXPECT_EQ(c.server.handshake()->pattern, RecordKind::xx_fallback);
  EXPECT_EQ(c.client.handshake()->remote_static, key_pair(2).public_key);
  EXPECT_TRUE(c.client.server_key_changed());
  EXPECT_EQ(c.server.client()->device, (DeviceCredentials{42, 3}));
  auto wire = c.client.send_frame(sample_bytes(10)).value();
  EXPECT_EQ(carry(wire, c.server, entropy, wire.size()), std::vector<core::Bytes>{sample_bytes(10)});
}

TEST(Channel, RequiredPinRefusesAnotherKeyBeforeRevealingTheClient) {
  crypto::StreamEntropy entropy(13);
  auto config = client_config(key_pair(99).public_key);
  config.pin = PinPolicy::required;
  auto opened = ClientChannel::open(std::move(config), entropy).value();
  ServerChannel server(server_config());
  auto fallback = server.receive(opened.second, entropy).value();
  auto refused = opened.first.receive(fallback.to_send, entropy);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), Errc::untrusted_identity);
  EXPECT_EQ(opened.first.phase(), Phase::closed);
  auto required_without_key = client_config();
  required_without_key.pin = PinPolicy::required;
  EXPECT_EQ(ClientChannel::open(std::move(required_without_key), entropy).code(), Errc::malformed);
}

TEST(Channel, FramesOfOneByteMaxMessageAndOneMebibyteInBothDirections) {
  crypto::StreamEntropy entropy(14);
  auto c = connect(client_config(), server_config(), entropy);
  for (const std::size_t size : {std::size_t{1}, std::size_t{65535}, std::size_t{1024 * 1024}, kMaxFrameSize}) {
    const auto frame = sample_bytes(size, static_cast<std::uint8_t>(size));
    auto up = c.client.send_frame(frame).value();
    EXPECT_EQ(carry(up, c.server, entropy, 4096), std::vector<core::Bytes>{frame}) << size;
    auto down = c.server.send_frame(frame).value();
    auto got = c.client.receive(down, entropy).value();
    EXPECT_EQ(got.frames, std::vector<core::Bytes>{frame}) << size;
  }
  EXPECT_TRUE(c.server.idle());
  EXPECT_TRUE(c.client.idle());
}

TEST(Channel, FrameSizeLimitAtNAndNPlusOneLeavesTheChannelUsable) {
  crypto::StreamEntropy entropy(15);
  auto c = connect(client_config(), server_config(), entropy);
  EXPECT_EQ(c.client.send_frame(core::Bytes(kMaxFrameSize + 1)).code(), Errc::limit_exceeded);
  EXPECT_EQ(c.client.send_frame({}).code(), Errc::malformed);
  EXPECT_EQ(c.client.phase(), Phase::established);
  auto wire = c.client.send_frame(core::Bytes(kMaxFrameSize, 7)).value();
  EXPECT_EQ(carry(wire, c.server, entropy, wire.size()).size(), 1u);
}

TEST(Channel, SendBeforeTheHandshakeIsNoSession) {
  crypto::StreamEntropy entropy(16);
  auto opened = ClientChannel::open(client_config(), entropy).value();
  EXPECT_EQ(opened.first.send_frame(sample_bytes(3)).code(), Errc::no_session);
  ServerChannel server(server_config());
  EXPECT_EQ(server.send_frame(sample_bytes(3)).code(), Errc::no_session);
}

TEST(Channel, BothSidesRekeyAtTheSameMessage) {
  crypto::StreamEntropy entropy(17);
  auto client_cfg = client_config();
  client_cfg.rekey_interval = 3;
  auto server_cfg = server_config();
  server_cfg.rekey_interval = 3;
  auto c = connect(std::move(client_cfg), std::move(server_cfg), entropy);
  core::Bytes wire;
  for (int i = 0; i < 10; ++i) core::append(wire, c.client.send_frame(sample_bytes(20, static_cast<std::uint8_t>(i))).value());
  EXPECT_EQ(carry(wire, c.server, entropy, 7).size(), 10u);
  // A rekey changed the key, not the nonce: the counter is the number of messages.
  EXPECT_EQ(c.client.secure_for_testing()->send_cipher_for_testing().nonce(), 10u);
}

TEST(Channel, RekeyIntervalsThatDisagreeBreakTheChannel) {
  crypto::StreamEntropy entropy(18);
  auto client_cfg = client_config();
  client_cfg.rekey_interval = 2;
  auto c = connect(std::move(client_cfg), server_config(), entropy);
  core::Bytes wire;
  for (int i = 0; i < 3; ++i) core::append(wire, c.client.send_frame(sample_bytes(20)).value());
  auto out = c.server.receive(wire, entropy);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.code(), Errc::decrypt_failed);
}

// Negative: each gives its typed error and closes the channel; a closed channel refuses all use.
void expect_closed(ServerChannel& server, crypto::Entropy& entropy) {
  EXPECT_EQ(server.phase(), Phase::closed);
  EXPECT_EQ(server.receive(core::Bytes(4, 0), entropy).code(), Errc::malformed);
  EXPECT_EQ(server.send_frame(sample_bytes(1)).code(), Errc::malformed);
}

TEST(ChannelNegative, BadHeader) {
  crypto::StreamEntropy entropy(20);
  ServerChannel wrong_magic(server_config());
  EXPECT_EQ(wrong_magic.receive(core::Bytes{'H', 'T', 'T', 'P'}, entropy).code(), Errc::malformed);
  expect_closed(wrong_magic, entropy);
  ServerChannel wrong_version(server_config());
  EXPECT_EQ(wrong_version.receive(core::Bytes{'P', 'R', 'L', 2}, entropy).code(), Errc::unsupported_version);
  expect_closed(wrong_version, entropy);
}

TEST(ChannelNegative, TamperedHandshakeMessages) {
  // Flip one bit of each byte position of the client's final XX message in turn.
  crypto::StreamEntropy entropy(21);
  auto opened = ClientChannel::open(client_config(), entropy).value();
  ServerChannel server(server_config());
  auto reply = server.receive(opened.second, entropy).value();
  auto final_msg = opened.first.receive(reply.to_send, entropy).value().to_send;
  for (std::size_t at = kHandshakeRecordHeaderSize; at < final_msg.size(); at += 7) {
    auto copy = server;
    auto tampered = final_msg;
    tampered[at] ^= 0x01;
    auto out = copy.receive(tampered, entropy);
    ASSERT_FALSE(out.ok()) << at;
    EXPECT_EQ(out.code(), Errc::decrypt_failed) << at;
    expect_closed(copy, entropy);
  }
  // The untampered message still completes on the original.
  EXPECT_TRUE(server.receive(final_msg, entropy).ok());
}

TEST(ChannelNegative, TamperedServerReplyFailsAtTheClient) {
  crypto::StreamEntropy entropy(22);
  auto opened = ClientChannel::open(client_config(), entropy).value();
  ServerChannel server(server_config());
  auto reply = server.receive(opened.second, entropy).value().to_send;
  reply.back() ^= 0x80;
  auto out = opened.first.receive(reply, entropy);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.code(), Errc::decrypt_failed);
  EXPECT_EQ(opened.first.phase(), Phase::closed);
}

TEST(ChannelNegative, RecordOfTheWrongKind) {
  crypto::StreamEntropy entropy(23);
  auto opened = ClientChannel::open(client_config(), entropy).value();
  auto first = opened.second;
  first[kHeaderSize] = static_cast<std::uint8_t>(RecordKind::xx_fallback);
  ServerChannel server(server_config());
  EXPECT_EQ(server.receive(first, entropy).code(), Errc::malformed);
  // And a server reply relabelled as IK to a client that sent XX.
  ServerChannel honest(server_config());
  auto reply = honest.receive(opened.second, entropy).value().to_send;
  reply[0] = static_cast<std::uint8_t>(RecordKind::ik);
  EXPECT_EQ(opened.first.receive(reply, entropy).code(), Errc::malformed);
}

TEST(ChannelNegative, TamperedAndTruncatedTransportRecords) {
  crypto::StreamEntropy entropy(24);
  auto c = connect(client_config(), server_config(), entropy);
  auto wire = c.client.send_frame(sample_bytes(100)).value();
  auto tampered_server = c.server;
  auto tampered = wire;
  tampered[10] ^= 1;
  EXPECT_EQ(tampered_server.receive(tampered, entropy).code(), Errc::decrypt_failed);
  expect_closed(tampered_server, entropy);
  // Truncated: everything but the last byte arrives; the frame is not delivered and the channel
  // reports that it is holding a partial record, so a close now is a truncation.
  auto truncated_server = c.server;
  auto partial = truncated_server.receive(core::BytesView(wire).first(wire.size() - 1), entropy).value();
  EXPECT_TRUE(partial.frames.empty());
  EXPECT_FALSE(truncated_server.idle());
}

TEST(ChannelNegative, AChunkSequenceThatLiesAboutItsLength) {
  // A peer whose chunk declares a frame longer than kMaxFrameSize: the receiver refuses it
  // before buffering.
  crypto::StreamEntropy entropy(25);
  auto c = connect(client_config(), server_config(), entropy);
  auto& send = c.client.secure_for_testing()->send_cipher_for_testing();
  core::Bytes chunk = {0x01, 0xff, 0xff, 0xff, 0x7f, 0x00};
  core::Bytes wire;
  ASSERT_TRUE(append_transport_record(wire, send.encrypt_with_ad({}, chunk).value()).ok());
  EXPECT_EQ(c.server.receive(wire, entropy).code(), Errc::limit_exceeded);
  expect_closed(c.server, entropy);
}

TEST(ChannelNegative, NonceExhaustionClosesTheChannel) {
  crypto::StreamEntropy entropy(26);
  auto c = connect(client_config(), server_config(), entropy);
  ASSERT_TRUE(c.client.secure_for_testing()->send_cipher_for_testing().set_nonce(noise::kMaxNonce - 1).ok());
  ASSERT_TRUE(c.server.secure_for_testing()->receive_cipher_for_testing().set_nonce(noise::kMaxNonce - 1).ok());
  auto last = c.client.send_frame(sample_bytes(5)).value();
  EXPECT_EQ(carry(last, c.server, entropy, last.size()).size(), 1u);
  auto spent = c.client.send_frame(sample_bytes(5));
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.code(), Errc::limit_exceeded);
  EXPECT_EQ(c.client.phase(), Phase::closed);
}

TEST(ChannelNegative, IkWithSmallOrderEphemeralIsBadKeyNotFallback) {
  crypto::StreamEntropy entropy(27);
  auto opened = ClientChannel::open(client_config(key_pair(2).public_key), entropy).value();
  auto first = opened.second;
  std::fill_n(first.begin() + kHeaderSize + kHandshakeRecordHeaderSize, 32, 0);  // u = 0
  ServerChannel server(server_config());
  auto out = server.receive(first, entropy);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.code(), Errc::bad_key);
}

RC_GTEST_PROP(ChannelLaws, AnySlicingOfTheStreamDeliversTheSameFrames, ()) {
  crypto::StreamEntropy entropy(*rc::gen::arbitrary<std::uint64_t>());
  const bool ik = *rc::gen::arbitrary<bool>();
  auto opened = ClientChannel::open(client_config(ik ? std::optional(key_pair(2).public_key) : std::nullopt), entropy);
  RC_ASSERT(opened.ok());
  auto& client = opened->first;
  ServerChannel server(server_config());
  const auto sizes = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 140000));
  // The client pipelines its frames right behind its handshake bytes where it can (IK: after the
  // server's reply; XX: after its final message); the server gets the stream in random slices.
  auto reply = server.receive(opened->second, entropy);
  RC_ASSERT(reply.ok());
  auto fin = client.receive(reply->to_send, entropy);
  RC_ASSERT(fin.ok());
  core::Bytes stream = fin->to_send;
  std::vector<core::Bytes> sent;
  for (const auto size : sizes) {
    sent.push_back(sample_bytes(size, static_cast<std::uint8_t>(size)));
    core::append(stream, client.send_frame(sent.back()).value());
  }
  std::vector<core::Bytes> got;
  std::size_t at = 0;
  while (at < stream.size()) {
    const auto n = std::min(stream.size() - at, *rc::gen::inRange<std::size_t>(1, 70000));
    auto out = server.receive(core::BytesView(stream).subspan(at, n), entropy);
    RC_ASSERT(out.ok());
    for (auto& f : out->frames) got.push_back(std::move(f));
    at += n;
  }
  RC_ASSERT(got == sent);
  RC_ASSERT(server.idle());
}

}  // namespace
}  // namespace parley::transport::channel
