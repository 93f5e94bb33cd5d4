// Live interop with libsignal-protocol-c (spec §5.6): Parley and an independent implementation of
// the same protocol set up sessions from each other's bundles, with and without a one-time prekey,
// and hold long conversations over a network that reorders and delays, with a DH ratchet step at
// every change of speaker. The recorded-transcript tests prove Parley reproduces libsignal's bytes;
// these prove it also accepts whatever a live libsignal device chooses to send, and the reverse.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "parley/protocol/limits.h"
#include "parley/testing/libsignal_c_peer.h"
#include "parley/wire/libsignal_codec.h"
#include "session_fixture.h"

namespace parley::testing {
namespace {

using core::Errc;
using protocol::MessageType;
using protocol::OutgoingMessage;

constexpr std::size_t kMessagesPerSide = 1000;
constexpr std::uint8_t kVersionByte = 0x33;  // session version 3, sender's current version 3

core::Bytes text_bytes(const std::string& s) { return core::to_bytes(core::as_bytes(s)); }

// Parley's side speaks libsignal's wire layout (spec §5.6), which libsignal-protocol-c reads.
const wire::LibsignalCodec kLibsignal;
core::Result<core::Bytes> receive(Device& d, const OutgoingMessage& m, crypto::Entropy& e) { return receive_with(kLibsignal, d, m, e); }
OutgoingMessage send(Device& d, std::string_view text) { return send_with(kLibsignal, d, text).value(); }

// One device of a conversation, whichever implementation runs it.
class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual core::Result<OutgoingMessage> send(core::BytesView plaintext) = 0;
  virtual core::Result<core::Bytes> receive(const OutgoingMessage& message) = 0;
};

class ParleyEndpoint final : public Endpoint {
 public:
  ParleyEndpoint(Device& device, crypto::Entropy& entropy) : device_(device), entropy_(entropy) {}
  core::Result<OutgoingMessage> send(core::BytesView plaintext) override {
    return protocol::session_encrypt(device_.record, plaintext, codec_);
  }
  core::Result<core::Bytes> receive(const OutgoingMessage& message) override {
    return testing::receive(device_, message, entropy_);
  }

 private:
  Device& device_;
  crypto::Entropy& entropy_;
  wire::LibsignalCodec codec_;
};

class LibsignalEndpoint final : public Endpoint {
 public:
  explicit LibsignalEndpoint(LibsignalCPeer& peer) : peer_(peer) {}
  core::Result<OutgoingMessage> send(core::BytesView plaintext) override { return peer_.encrypt(plaintext); }
  core::Result<core::Bytes> receive(const OutgoingMessage& message) override {
    return peer_.decrypt(message);
  }

 private:
  LibsignalCPeer& peer_;
};

struct InFlight {
  core::Bytes plaintext;
  OutgoingMessage message;
  std::size_t index = 0;  // per sender, for failure messages
  bool held = false;      // already delayed once: delivered at the next chance
};

// Runs of 1..6 messages, the speaker alternating after each run so that every run after a reply
// starts a new sending chain (a DH ratchet step). After each run the receiver's in-flight messages
// are delivered in a shuffled order, and sometimes one or two are held back to arrive after the
// receiver has answered and the sender has moved to a newer chain: keys skipped on an old chain.
// A message is held back at most once, which keeps every message within the 5 receiver chains and
// 2000 skipped keys both implementations keep.
void converse(Endpoint& initiator, Endpoint& responder, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Endpoint* const side[2] = {&initiator, &responder};
  const char* const name[2] = {"initiator", "responder"};
  std::size_t sent[2] = {0, 0};
  std::size_t received[2] = {0, 0};
  std::vector<InFlight> in_flight[2];  // by receiver
  std::size_t held_back = 0, dh_steps = 0;

  const auto deliver = [&](int to, bool may_hold) {
    auto& queue = in_flight[to];
    std::shuffle(queue.begin(), queue.end(), rng);
    std::vector<InFlight> held;
    if (may_hold && rng() % 4 == 0) {
      std::size_t hold = 1 + rng() % 2;
      for (auto it = queue.begin(); it != queue.end() && hold > 0;) {
        if (it->held) {
          ++it;
          continue;
        }
        it->held = true;
        ++held_back;
        held.push_back(std::move(*it));
        it = queue.erase(it);
        --hold;
      }
    }
    for (const auto& m : queue) {
      auto plaintext = side[to]->receive(m.message);
      ASSERT_TRUE(plaintext.ok()) << name[to] << " failed on message " << m.index << " of the "
                                  << name[to ^ 1] << ": " << core::to_string(plaintext.error());
      ASSERT_EQ(*plaintext, m.plaintext) << "message " << m.index << " of the " << name[to ^ 1];
      ++received[to];
    }
    queue = std::move(held);
  };

  int speaker = 0;
  std::size_t received_at_last_run[2] = {0, 0};
  while (sent[0] < kMessagesPerSide || sent[1] < kMessagesPerSide) {
    if (sent[speaker] == kMessagesPerSide) speaker ^= 1;
    const int listener = speaker ^ 1;
    // The first run has several prekey messages, so the responder's first one may be any of them.
    const std::size_t length = sent[0] == 0 ? 4 : 1 + rng() % 6;
    const std::size_t run = std::min<std::size_t>(length, kMessagesPerSide - sent[speaker]);
    // Heard from the other side since its last run: this run is on a new sending chain.
    if (received[speaker] != received_at_last_run[speaker]) ++dh_steps;
    received_at_last_run[speaker] = received[speaker];
    for (std::size_t k = 0; k < run; ++k) {
      const std::size_t index = sent[speaker]++;
      // Lengths 0..255 cover the empty message, exact blocks and multi-block bodies.
      core::Bytes plaintext(index % 100 == 0 ? 0 : rng() % 256);
      for (auto& b : plaintext) b = static_cast<std::uint8_t>(rng());
      auto message = side[speaker]->send(plaintext);
      ASSERT_TRUE(message.ok()) << name[speaker] << " could not send message " << index << ": "
                                << core::to_string(message.error());
      ASSERT_FALSE(message->wire.empty());
      EXPECT_EQ(message->wire[0], kVersionByte);
      // The initiator wraps in PreKeySignalMessages until it hears back (spec §5.5), both ways.
      const bool prekey_expected = speaker == 0 && received[0] == 0;
      EXPECT_EQ(message->type, prekey_expected ? MessageType::prekey : MessageType::whisper)
          << name[speaker] << " message " << index;
      in_flight[listener].push_back({std::move(plaintext), std::move(*message), index, false});
    }
    // The responder's first delivery is whole: it cannot speak before it has a session.
    deliver(listener, listener == 0 || received[1] > 0);
    if (::testing::Test::HasFatalFailure()) return;
    speaker = listener;
  }
  deliver(0, false);
  if (::testing::Test::HasFatalFailure()) return;
  deliver(1, false);
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(received[0], kMessagesPerSide);
  EXPECT_EQ(received[1], kMessagesPerSide);
  // The schedule did what it claims (the numbers depend only on the seed).
  EXPECT_GT(dh_steps, 400u);
  EXPECT_GT(held_back, 100u);
}

// Sends `text` from `from` and checks that `to` decrypts it.
void deliver_one(Endpoint& from, Endpoint& to, const std::string& text) {
  auto message = from.send(core::as_bytes(text));
  ASSERT_TRUE(message.ok()) << text << ": " << core::to_string(message.error());
  auto plaintext = to.receive(*message);
  ASSERT_TRUE(plaintext.ok()) << text << ": " << core::to_string(plaintext.error());
  EXPECT_EQ(*plaintext, text_bytes(text));
}

void ping_pong(Endpoint& a, Endpoint& b, int rounds) {
  for (int i = 0; i < rounds && !::testing::Test::HasFatalFailure(); ++i) {
    deliver_one(a, b, "ping " + std::to_string(i));
    if (!::testing::Test::HasFatalFailure()) deliver_one(b, a, "pong " + std::to_string(i));
  }
}

// Both ends of one established session (a reply has arrived), as generic endpoints.
struct Both {
  StreamEntropy entropy;
  Device parley;
  LibsignalCPeer peer;
  ParleyEndpoint parley_end{parley, entropy};
  LibsignalEndpoint peer_end{peer};
  Both(std::uint64_t seed, bool parley_initiates)
      : entropy(seed), parley(make_device(entropy, 1006)), peer(seed) {
    if (parley_initiates) {
      EXPECT_TRUE(protocol::start_session(parley.record, *parley.keys.identity_key, parley.keys.registration,
                                          peer.bundle(), entropy)
                      .ok());
      ping_pong(parley_end, peer_end, 1);
    } else {
      EXPECT_TRUE(peer.start_session(bundle_of(parley)).ok());
      ping_pong(peer_end, parley_end, 1);
    }
  }
  Endpoint& sender(bool parley_sends) { return parley_sends ? static_cast<Endpoint&>(parley_end) : peer_end; }
  Endpoint& receiver(bool parley_sends) {
    return parley_sends ? static_cast<Endpoint&>(peer_end) : parley_end;
  }
};

std::vector<OutgoingMessage> burst(Endpoint& from, std::size_t n) {
  std::vector<OutgoingMessage> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(from.send(core::as_bytes("m" + std::to_string(i))).value());
  return out;
}

struct Case {
  bool parley_initiates;
  bool one_time_prekey;
  std::uint64_t seed;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return std::string(info.param.parley_initiates ? "ParleyInitiates" : "LibsignalCInitiates") +
         (info.param.one_time_prekey ? "WithOneTimePrekey" : "WithoutOneTimePrekey");
}

class LibsignalInterop : public ::testing::TestWithParam<Case> {};

TEST_P(LibsignalInterop, ThousandMessagesEachWayReorderedWithDhSteps) {
  const Case c = GetParam();
  StreamEntropy entropy(c.seed);
  Device parley = make_device(entropy, 1001);
  LibsignalCPeer peer(c.seed);
  ParleyEndpoint parley_end(parley, entropy);
  LibsignalEndpoint peer_end(peer);

  if (c.parley_initiates) {
    const auto bundle = peer.bundle(c.one_time_prekey);
    ASSERT_EQ(bundle.prekey.has_value(), c.one_time_prekey);
    // libsignal-protocol-c's XEdDSA signature verifies under Parley's verifier.
    ASSERT_TRUE(protocol::verify_bundle(bundle).ok());
    ASSERT_TRUE(protocol::start_session(parley.record, *parley.keys.identity_key, parley.keys.registration,
                                        bundle, entropy)
                    .ok());
    converse(parley_end, peer_end, c.seed);
    if (HasFatalFailure()) return;
    // Consumed only when a prekey message named it.
    EXPECT_EQ(peer.has_one_time_prekey(), !c.one_time_prekey);
  } else {
    const auto started = peer.start_session(bundle_of(parley, c.one_time_prekey));
    ASSERT_TRUE(started.ok()) << core::to_string(started.error());
    converse(peer_end, parley_end, c.seed);
    if (HasFatalFailure()) return;
    EXPECT_EQ(parley.keys.one_time_prekeys.empty(), c.one_time_prekey);
  }
  EXPECT_GT(peer.session_state_size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(BothDirections, LibsignalInterop,
                         ::testing::Values(Case{true, true, 31}, Case{true, false, 32}, Case{false, true, 33},
                                           Case{false, false, 34}),
                         case_name);

// Two libsignal-protocol-c peers: the wrapper itself works, as the benchmarks' baseline needs.
TEST(LibsignalCPeer, TalksToItself) {
  LibsignalCPeer alice(1), bob(2);
  const auto first_prekey_id = bob.bundle().prekey_id;
  ASSERT_TRUE(first_prekey_id.has_value());
  ASSERT_TRUE(alice.start_session(bob.bundle()).ok());
  auto first = alice.encrypt(core::as_bytes("hello"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->type, MessageType::prekey);
  EXPECT_EQ(bob.decrypt(*first).value(), text_bytes("hello"));
  EXPECT_FALSE(bob.has_one_time_prekey());
  auto reply = bob.encrypt(core::as_bytes("hi"));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->type, MessageType::whisper);
  EXPECT_EQ(alice.decrypt(*reply).value(), text_bytes("hi"));
  EXPECT_GT(alice.session_state_size(), 0u);

  bob.refresh_one_time_prekey();
  EXPECT_TRUE(bob.has_one_time_prekey());
  ASSERT_TRUE(bob.bundle().prekey_id.has_value());
  EXPECT_NE(bob.bundle().prekey_id->value, first_prekey_id->value);
  alice.reset_session();
  EXPECT_FALSE(alice.has_session());
  EXPECT_EQ(alice.session_state_size(), 0u);
  EXPECT_EQ(alice.encrypt(core::as_bytes("x")).code(), Errc::no_session);
}

TEST(LibsignalCPeer, SeededPeersAreDeterministic) {
  LibsignalCPeer a(7), b(7), c(8);
  EXPECT_EQ(a.bundle().identity_key, b.bundle().identity_key);
  EXPECT_EQ(a.bundle().signed_prekey_signature, b.bundle().signed_prekey_signature);
  EXPECT_EQ(a.registration_id(), b.registration_id());
  EXPECT_NE(a.bundle().identity_key, c.bundle().identity_key);
}

TEST(LibsignalInteropRejects, ReplaysAsDuplicates) {
  Both s(41, true);
  const auto to_peer = send(s.parley, "once");
  ASSERT_TRUE(s.peer.decrypt(to_peer).ok());
  EXPECT_EQ(s.peer.decrypt(to_peer).code(), Errc::duplicate_message);
  const auto to_parley = s.peer.encrypt(core::as_bytes("once")).value();
  ASSERT_TRUE(receive(s.parley, to_parley, s.entropy).ok());
  EXPECT_EQ(receive(s.parley, to_parley, s.entropy).code(), Errc::duplicate_message);
}

TEST(LibsignalInteropRejects, TamperingWithoutEffect) {
  Both s(41, true);
  auto to_peer = send(s.parley, "payload");
  auto forged = to_peer;
  forged.wire[forged.wire.size() / 2] ^= 0x01;
  EXPECT_FALSE(s.peer.decrypt(forged).ok());
  EXPECT_EQ(s.peer.decrypt(to_peer).value(), text_bytes("payload"));

  auto to_parley = s.peer.encrypt(core::as_bytes("payload")).value();
  forged = to_parley;
  forged.wire[forged.wire.size() - 1] ^= 0x80;  // the MAC
  EXPECT_EQ(receive(s.parley, forged, s.entropy).code(), Errc::decrypt_failed);
  EXPECT_EQ(receive(s.parley, to_parley, s.entropy).value(), text_bytes("payload"));
}

TEST(LibsignalInteropRejects, ForgedBundleSignatures) {
  StreamEntropy entropy(43);
  Device parley = make_device(entropy, 1003);
  LibsignalCPeer peer(43);

  auto parley_bundle = bundle_of(parley);
  parley_bundle.signed_prekey_signature[5] ^= 0x01;
  EXPECT_EQ(peer.start_session(parley_bundle).code(), Errc::bad_signature);
  EXPECT_FALSE(peer.has_session());

  auto peer_bundle = peer.bundle();
  peer_bundle.signed_prekey_signature[5] ^= 0x01;
  EXPECT_EQ(protocol::verify_bundle(peer_bundle).code(), Errc::bad_signature);
}

// Both devices start a session from the other's bundle and send before either has heard back:
// each ends up with two sessions, the one it made and the one the other made (archived as
// libsignal archives), and every message still decrypts in whichever the sender used.
TEST(LibsignalInteropSessions, SimultaneousInitiation) {
  StreamEntropy entropy(51);
  Device parley = make_device(entropy, 1004);
  LibsignalCPeer peer(51);
  ParleyEndpoint parley_end(parley, entropy);
  LibsignalEndpoint peer_end(peer);
  ASSERT_TRUE(protocol::start_session(parley.record, *parley.keys.identity_key, parley.keys.registration,
                                      peer.bundle(), entropy)
                  .ok());
  ASSERT_TRUE(peer.start_session(bundle_of(parley)).ok());

  const auto from_parley = parley_end.send(core::as_bytes("parley first")).value();
  const auto from_peer = peer_end.send(core::as_bytes("peer first")).value();
  ASSERT_EQ(from_parley.type, MessageType::prekey);
  ASSERT_EQ(from_peer.type, MessageType::prekey);
  EXPECT_EQ(peer_end.receive(from_parley).value(), text_bytes("parley first"));
  EXPECT_EQ(parley_end.receive(from_peer).value(), text_bytes("peer first"));

  // Crossing again: each side now answers in the other's session, which the receiver has archived.
  const auto second_parley = parley_end.send(core::as_bytes("parley second")).value();
  const auto second_peer = peer_end.send(core::as_bytes("peer second")).value();
  EXPECT_EQ(peer_end.receive(second_parley).value(), text_bytes("parley second"));
  EXPECT_EQ(parley_end.receive(second_peer).value(), text_bytes("peer second"));

  ping_pong(parley_end, peer_end, 20);
  ping_pong(peer_end, parley_end, 20);
}

// One side starts over from a fresh bundle (a reinstall, a lost session) while messages of the old
// session are still in flight: the new session's prekey message arrives first, the old messages
// afterwards decrypt in the archived session, and the conversation goes on.
void renew_with_old_messages_in_flight(bool parley_renews) {
  StreamEntropy entropy(parley_renews ? 61 : 62);
  Device parley = make_device(entropy, 1005);
  LibsignalCPeer peer(parley_renews ? 61 : 62);
  ParleyEndpoint parley_end(parley, entropy);
  LibsignalEndpoint peer_end(peer);
  ASSERT_TRUE(protocol::start_session(parley.record, *parley.keys.identity_key, parley.keys.registration,
                                      peer.bundle(), entropy)
                  .ok());
  ping_pong(parley_end, peer_end, 3);
  if (::testing::Test::HasFatalFailure()) return;

  Endpoint& renewer = parley_renews ? static_cast<Endpoint&>(parley_end) : peer_end;
  Endpoint& other = parley_renews ? static_cast<Endpoint&>(peer_end) : parley_end;
  std::vector<OutgoingMessage> old_messages;
  for (int i = 0; i < 3; ++i)
    old_messages.push_back(renewer.send(core::as_bytes("old " + std::to_string(i))).value());
  if (parley_renews) {
    peer.refresh_one_time_prekey();
    ASSERT_TRUE(protocol::start_session(parley.record, *parley.keys.identity_key, parley.keys.registration,
                                        peer.bundle(), entropy)
                    .ok());
  } else {
    ASSERT_TRUE(peer.start_session(bundle_of(parley)).ok());
  }
  const auto renewed = renewer.send(core::as_bytes("renewed")).value();
  ASSERT_EQ(renewed.type, MessageType::prekey);
  EXPECT_EQ(other.receive(renewed).value(), text_bytes("renewed"));
  for (int i = 2; i >= 0; --i) {
    auto plaintext = other.receive(old_messages[static_cast<std::size_t>(i)]);
    ASSERT_TRUE(plaintext.ok()) << "old " << i << ": " << core::to_string(plaintext.error());
    EXPECT_EQ(*plaintext, text_bytes("old " + std::to_string(i)));
  }
  ping_pong(other, renewer, 10);
  ping_pong(renewer, other, 10);
}

TEST(LibsignalInteropSessions, ParleyRenewsWhileOldMessagesInFlight) {
  renew_with_old_messages_in_flight(true);
}
TEST(LibsignalInteropSessions, LibsignalCRenewsWhileOldMessagesInFlight) {
  renew_with_old_messages_in_flight(false);
}

// Both implementations accept a message exactly kMaxForwardJump (2000) past the next expected
// counter on a new chain and refuse one further, without changing their state.
void forward_jump_limit(bool parley_sends) {
  Both b(parley_sends ? 71 : 72, true);
  if (::testing::Test::HasFatalFailure()) return;
  const auto sent = burst(b.sender(parley_sends), protocol::kMaxForwardJump + 2);
  Endpoint& to = b.receiver(parley_sends);
  EXPECT_FALSE(to.receive(sent[protocol::kMaxForwardJump + 1]).ok());
  EXPECT_EQ(to.receive(sent[protocol::kMaxForwardJump]).value(),
            text_bytes("m" + std::to_string(protocol::kMaxForwardJump)));
  EXPECT_EQ(to.receive(sent[protocol::kMaxForwardJump + 1]).value(),
            text_bytes("m" + std::to_string(protocol::kMaxForwardJump + 1)));
  EXPECT_EQ(to.receive(sent[0]).value(), text_bytes("m0"));
}

TEST(LibsignalInteropLimits, ForwardJumpToParley) { forward_jump_limit(false); }
TEST(LibsignalInteropLimits, ForwardJumpToLibsignalC) { forward_jump_limit(true); }

// Skipped message keys on two successive chains of the sender, 1499 on each: libsignal keeps up to
// 2000 per receiver chain (session_state_set_message_keys), so the oldest skipped message of the
// first chain still decrypts there.
void skipped_keys_on_two_chains(bool parley_sends) {
  Both b(parley_sends ? 73 : 74, true);
  if (::testing::Test::HasFatalFailure()) return;
  Endpoint& from = b.sender(parley_sends);
  Endpoint& to = b.receiver(parley_sends);
  const auto first_chain = burst(from, 1500);
  ASSERT_TRUE(to.receive(first_chain.back()).ok());
  deliver_one(to, from, "turn");  // the sender ratchets: a second chain
  const auto second_chain = burst(from, 1500);
  ASSERT_TRUE(to.receive(second_chain.back()).ok());
  auto oldest = to.receive(first_chain.front());
  ASSERT_TRUE(oldest.ok()) << core::to_string(oldest.error());
  EXPECT_EQ(*oldest, text_bytes("m0"));
}

TEST(LibsignalInteropLimits, SkippedKeysOnTwoChainsAtLibsignalC) { skipped_keys_on_two_chains(true); }
// Disabled: Parley keeps 2000 skipped keys per session (protocol/src/skipped_keys.cpp, spec table
// in §2.2), so it has evicted the first chain's oldest 998 keys here and reports
// duplicate_message. Enable once Parley bounds skipped keys per receiver chain as libsignal does.
TEST(LibsignalInteropLimits, SkippedKeysOnTwoChainsAtParley) { skipped_keys_on_two_chains(false); }

// The receiver (the responder, whichever implementation) sees the sender's ratchet move to six new
// chains, one message of each held back. Both keep the 5 newest receiver chains: the held message
// of the oldest is lost (its chain was dropped with its keys), the others decrypt, and the lost
// one fails without harming the session.
std::vector<bool> late_messages_on_old_chains(bool parley_receives) {
  Both b(parley_receives ? 75 : 76, /*parley_initiates=*/!parley_receives);
  Endpoint& from = b.sender(!parley_receives);
  Endpoint& to = b.receiver(!parley_receives);
  std::vector<OutgoingMessage> held;
  for (int chain = 1; chain <= 6 && !::testing::Test::HasFatalFailure(); ++chain) {
    held.push_back(from.send(core::as_bytes("held " + std::to_string(chain))).value());
    deliver_one(from, to, "delivered " + std::to_string(chain));
    deliver_one(to, from, "turn " + std::to_string(chain));
  }
  std::vector<bool> decrypted;
  for (std::size_t i = 0; i < held.size(); ++i) {
    auto plaintext = to.receive(held[i]);
    decrypted.push_back(plaintext.ok() && *plaintext == text_bytes("held " + std::to_string(i + 1)));
  }
  ping_pong(from, to, 2);
  return decrypted;
}

TEST(LibsignalInteropLimits, ReceiverChainLimitAgrees) {
  const std::vector<bool> expected{false, true, true, true, true, true};
  EXPECT_EQ(late_messages_on_old_chains(false), expected) << "libsignal-protocol-c receiving";
  EXPECT_EQ(late_messages_on_old_chains(true), expected) << "Parley receiving";
}

}  // namespace
}  // namespace parley::testing
