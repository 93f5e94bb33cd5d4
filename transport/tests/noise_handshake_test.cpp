// HandshakeState: round trips of every pattern, Noise Pipes' IK -> XXfallback switch, and the
// failure rules (spec §6.6): a bad handshake message is fatal yet changes nothing else.
// The standard vectors run through parley-conformance (tests/data/external/noise-cacophony.json).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/core/hex.h"
#include "parley/transport/noise/handshake_state.h"
#include "parley/transport/noise/limits.h"
#include "parley/transport/noise/protocol.h"

namespace parley::transport::noise {
namespace {

using core::Errc;

core::Bytes hex(std::string_view s) { return core::from_hex(s).value(); }

crypto::X25519KeyPair key_pair(std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  return crypto::generate_x25519_key_pair(entropy).value();
}

Protocol protocol(PatternId pattern) {
  return Protocol{pattern, crypto::Aead::aes256_gcm, crypto::NoiseHash::sha256};
}

const core::Bytes kPrologue = core::to_bytes(core::as_bytes("parley test prologue"));

struct Sides {
  HandshakeState initiator;
  HandshakeState responder;
};

Sides make_sides(PatternId pattern, std::optional<crypto::X25519PublicKey> pinned = std::nullopt) {
  HandshakeConfig i{protocol(pattern), Role::initiator, kPrologue,   key_pair(1),
                    std::nullopt,      pinned,          std::nullopt};
  HandshakeConfig r{protocol(pattern), Role::responder, kPrologue,   key_pair(2),
                    std::nullopt,      std::nullopt,    std::nullopt};
  if (pattern == PatternId::nn) i.local_static = r.local_static = std::nullopt;
  return {HandshakeState::initialize(i).value(), HandshakeState::initialize(r).value()};
}

// Runs the handshake to its end, each message carrying a payload, and checks every payload.
void complete(HandshakeState& a, HandshakeState& b, crypto::Entropy& entropy) {
  HandshakeState* writer = a.is_my_turn() ? &a : &b;
  HandshakeState* reader = writer == &a ? &b : &a;
  for (std::uint8_t i = 0; !a.is_finished() || !b.is_finished(); ++i) {
    const core::Bytes payload(i + 1u, i);
    auto message = writer->write_message(payload, entropy);
    ASSERT_TRUE(message.ok()) << core::to_string(message.error());
    auto read = reader->read_message(*message);
    ASSERT_TRUE(read.ok()) << core::to_string(read.error());
    EXPECT_EQ(*read, payload);
    std::swap(writer, reader);
  }
}

// Transport both ways after Split, several messages each way.
void check_transport(const HandshakeState& a, const HandshakeState& b) {
  ASSERT_EQ(a.handshake_hash(), b.handshake_hash());
  auto ta = a.split().value();
  auto tb = b.split().value();
  for (int i = 0; i < 3; ++i) {
    const core::Bytes text(static_cast<std::size_t>(10 + i), static_cast<std::uint8_t>(i));
    EXPECT_EQ(tb.receive.decrypt_with_ad({}, ta.send.encrypt_with_ad({}, text).value()).value(), text);
    EXPECT_EQ(ta.receive.decrypt_with_ad({}, tb.send.encrypt_with_ad({}, text).value()).value(), text);
  }
}

// A protocol name of kMaxProtocolNameLength characters is read (and its unknown hash refused as
// `unsupported`); one more character is not a Noise name at all.
TEST(NoiseProtocol, NameLengthAtNAndNPlusOne) {
  const std::string prefix = "Noise_XX_25519_AESGCM_";
  const std::string at = prefix + std::string(kMaxProtocolNameLength - prefix.size(), 'H');
  ASSERT_EQ(at.size(), kMaxProtocolNameLength);
  EXPECT_EQ(parse_protocol_name(at).code(), core::Errc::unsupported);
  EXPECT_EQ(parse_protocol_name(at + "H").code(), core::Errc::malformed);
  EXPECT_TRUE(parse_protocol_name("Noise_XX_25519_AESGCM_SHA256").ok());
}

TEST(NoiseHandshake, XXRoundTrip) {
  auto [i, r] = make_sides(PatternId::xx);
  crypto::StreamEntropy entropy(7);
  complete(i, r, entropy);
  EXPECT_EQ(i.remote_static(), key_pair(2).public_key);
  EXPECT_EQ(r.remote_static(), key_pair(1).public_key);
  check_transport(i, r);
}

TEST(NoiseHandshake, IKRoundTrip) {
  auto [i, r] = make_sides(PatternId::ik, key_pair(2).public_key);
  crypto::StreamEntropy entropy(8);
  complete(i, r, entropy);
  EXPECT_EQ(r.remote_static(), key_pair(1).public_key);
  check_transport(i, r);
}

TEST(NoiseHandshake, NNRoundTrip) {
  auto [i, r] = make_sides(PatternId::nn);
  crypto::StreamEntropy entropy(9);
  complete(i, r, entropy);
  EXPECT_FALSE(i.remote_static().has_value());
  check_transport(i, r);
}

TEST(NoiseHandshake, IKNeedsThePinnedKey) {
  HandshakeConfig config{protocol(PatternId::ik), Role::initiator, kPrologue, key_pair(1), {}, {}, {}};
  EXPECT_EQ(HandshakeState::initialize(config).code(), Errc::malformed);
}

TEST(NoiseHandshake, StaleIKKeyFallsBackToXX) {
  // Alice pinned a key the server no longer has.
  auto [alice, bob] = make_sides(PatternId::ik, key_pair(99).public_key);
  crypto::StreamEntropy entropy(10);
  const auto first = alice.write_message(core::as_bytes("hello"), entropy).value();
  EXPECT_EQ(bob.read_message(first).code(), Errc::decrypt_failed);
  EXPECT_TRUE(bob.is_failed());

  auto bob_fb = bob.fallback(first).value();
  auto alice_fb = alice.fallback({}).value();
  EXPECT_EQ(bob_fb.role(), Role::initiator);
  EXPECT_EQ(alice_fb.role(), Role::responder);
  EXPECT_EQ(bob_fb.protocol().name(), "Noise_XXfallback_25519_AESGCM_SHA256");
  complete(bob_fb, alice_fb, entropy);
  EXPECT_EQ(alice_fb.remote_static(), key_pair(2).public_key);  // Alice learns the real key
  EXPECT_EQ(bob_fb.remote_static(), key_pair(1).public_key);
  check_transport(bob_fb, alice_fb);
}

TEST(NoiseHandshake, FallbackOnlyFromIK) {
  auto [i, r] = make_sides(PatternId::xx);
  EXPECT_EQ(r.fallback(core::Bytes(32, 9)).code(), Errc::malformed);
  auto [alice, bob] = make_sides(PatternId::ik, key_pair(2).public_key);
  EXPECT_EQ(bob.fallback(core::Bytes(31, 9)).code(), Errc::malformed);  // no ephemeral in it
  EXPECT_EQ(alice.fallback({}).code(), Errc::malformed);                // nothing written yet
}

// noise-c's tests/vector/noise-c-fallback.txt, "Noise_XXfallback_25519_ChaChaPoly_BLAKE2s":
// the handshake hash after IK fails into XXfallback with fixed ephemerals.
TEST(NoiseHandshake, FallbackKnownAnswer) {
  const Protocol ik{PatternId::ik, crypto::Aead::chacha20_poly1305, crypto::NoiseHash::blake2s};
  const auto prologue = hex("50726f6c6f677565313233");
  const auto alice_s = crypto::x25519_key_pair_from_private(
                           hex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1"))
                           .value();
  const auto bob_s = crypto::x25519_key_pair_from_private(
                         hex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893"))
                         .value();
  crypto::X25519PublicKey wrong{};
  const auto wrong_bytes = hex("f215fe4ad54b354588d3fa52166179b723b9a211ec67167b9bf1729260972a23");
  std::copy(wrong_bytes.begin(), wrong_bytes.end(), wrong.begin());
  crypto::ScriptedEntropy alice_e(hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"));
  crypto::ScriptedEntropy bob_e(hex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"));

  auto alice = HandshakeState::initialize({ik, Role::initiator, prologue, alice_s, {}, wrong, {}}).value();
  auto bob = HandshakeState::initialize({ik, Role::responder, prologue, bob_s, {}, {}, {}}).value();
  const auto m0 = alice.write_message(hex("4c756477696720766f6e204d69736573"), alice_e).value();
  ASSERT_FALSE(bob.read_message(m0).ok());
  auto bob_fb = bob.fallback(m0).value();
  auto alice_fb = alice.fallback({}).value();
  const auto m1 = bob_fb.write_message(hex("4d757272617920526f746862617264"), bob_e).value();
  ASSERT_TRUE(alice_fb.read_message(m1).ok());
  const auto m2 = alice_fb.write_message(hex("462e20412e20486179656b"), alice_e).value();
  ASSERT_TRUE(bob_fb.read_message(m2).ok());
  EXPECT_EQ(core::to_hex(bob_fb.handshake_hash()),
            "54e424c6564898d6540f925faaa56516967c1b7847f4cac83016b6d1d318288a");
  EXPECT_EQ(alice_fb.handshake_hash(), bob_fb.handshake_hash());
  // Transport message 3 is Bob's, under c1: the XXfallback initiator's sending key.
  auto bob_t = bob_fb.split().value();
  EXPECT_EQ(core::to_hex(bob_t.send.encrypt_with_ad({}, hex("4361726c204d656e676572")).value()),
            "dcf3293c98642cd2791d2c6f3232ef939d773f47b859f512dca93d");
}

TEST(NoiseHandshake, TamperedMessageIsFatalAndChangesNothing) {
  auto [i, r] = make_sides(PatternId::xx);
  crypto::StreamEntropy entropy(11);
  const auto m0 = i.write_message({}, entropy).value();
  ASSERT_TRUE(r.read_message(m0).ok());
  auto m1 = r.write_message(core::as_bytes("payload"), entropy).value();
  m1[40] ^= 0x01;  // inside the encrypted static key
  const HandshakeState before = i;
  EXPECT_EQ(i.read_message(m1).code(), Errc::decrypt_failed);
  EXPECT_TRUE(i.is_failed());
  EXPECT_EQ(i.handshake_hash(), before.handshake_hash());
  EXPECT_FALSE(i.remote_static().has_value());
  // Fatal: not even the genuine message is accepted any more, and nothing can be written.
  m1[40] ^= 0x01;
  EXPECT_EQ(i.read_message(m1).code(), Errc::malformed);
  EXPECT_EQ(i.write_message({}, entropy).code(), Errc::malformed);
  EXPECT_EQ(i.split().code(), Errc::malformed);
}

TEST(NoiseHandshake, ShortMessageIsMalformed) {
  auto [i, r] = make_sides(PatternId::xx);
  EXPECT_EQ(r.read_message(core::Bytes(31, 1)).code(), Errc::malformed);
  EXPECT_TRUE(r.is_failed());
}

TEST(NoiseHandshake, SmallOrderKeyIsBadKey) {
  auto [i, r] = make_sides(PatternId::xx);
  crypto::StreamEntropy entropy(12);
  ASSERT_TRUE(r.read_message(i.write_message({}, entropy).value()).ok());
  auto m1 = r.write_message({}, entropy).value();
  std::fill(m1.begin(), m1.begin() + 32, 0);  // responder e := 0, so ee is all zeros
  EXPECT_EQ(i.read_message(m1).code(), Errc::bad_key);
}

TEST(NoiseHandshake, MessageLimit) {
  auto [i, r] = make_sides(PatternId::nn);
  crypto::StreamEntropy entropy(13);
  // Message 0 of NN is e (32 bytes) then the payload in clear: 65503 bytes of payload fit exactly.
  auto copy = i;
  auto largest = copy.write_message(core::Bytes(kMaxMessageLength - kDhLength, 0), entropy);
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->size(), kMaxMessageLength);
  EXPECT_EQ(i.write_message(core::Bytes(kMaxMessageLength - kDhLength + 1, 0), entropy).code(),
            Errc::limit_exceeded);
  EXPECT_FALSE(i.is_failed());  // a refused write is the caller's mistake, not a failed handshake
  EXPECT_TRUE(HandshakeState(r).read_message(*largest).ok());
  EXPECT_EQ(r.read_message(core::Bytes(kMaxMessageLength + 1, 0)).code(), Errc::limit_exceeded);
}

TEST(NoiseHandshake, TurnsAreEnforced) {
  auto [i, r] = make_sides(PatternId::xx);
  crypto::StreamEntropy entropy(14);
  EXPECT_EQ(r.write_message({}, entropy).code(), Errc::malformed);
  EXPECT_EQ(i.read_message(core::Bytes(32, 1)).code(), Errc::malformed);
  EXPECT_EQ(i.split().code(), Errc::malformed);
}

TEST(NoiseHandshake, EntropyExhaustionLeavesStateUnchanged) {
  auto [i, r] = make_sides(PatternId::xx);
  crypto::ScriptedEntropy empty(core::Bytes{});
  const HandshakeState before = i;
  EXPECT_EQ(i.write_message({}, empty).code(), Errc::entropy_exhausted);
  EXPECT_EQ(i, before);
}

TEST(NoiseProtocol, Names) {
  for (const char* name : {"Noise_XX_25519_AESGCM_SHA256", "Noise_IK_25519_ChaChaPoly_BLAKE2s",
                           "Noise_NN_25519_AESGCM_SHA512", "Noise_XXfallback_25519_ChaChaPoly_BLAKE2b"})
    EXPECT_EQ(parse_protocol_name(name).value().name(), name);
  EXPECT_EQ(parse_protocol_name("Noise_XX_448_AESGCM_SHA256").code(), Errc::unsupported);
  EXPECT_EQ(parse_protocol_name("Noise_XXpsk3_25519_AESGCM_SHA256").code(), Errc::unsupported);
  EXPECT_EQ(parse_protocol_name("Noise_N_25519_AESGCM_SHA256").code(), Errc::unsupported);
  EXPECT_EQ(parse_protocol_name("Noise_XX_25519_AESGCM").code(), Errc::malformed);
  EXPECT_EQ(parse_protocol_name("Nois_XX_25519_AESGCM_SHA256").code(), Errc::malformed);
}

// Any payloads, any cipher and hash: the XX handshake completes and carries them.
RC_GTEST_PROP(NoiseHandshake, XXCarriesAnyPayloads,
              (const core::Bytes& p0, const core::Bytes& p1, const core::Bytes& p2, std::uint64_t seed)) {
  const auto cipher = *rc::gen::element(crypto::Aead::aes256_gcm, crypto::Aead::chacha20_poly1305);
  const auto hash = *rc::gen::element(crypto::NoiseHash::sha256, crypto::NoiseHash::sha512,
                                      crypto::NoiseHash::blake2s, crypto::NoiseHash::blake2b);
  const Protocol p{PatternId::xx, cipher, hash};
  auto i = HandshakeState::initialize({p, Role::initiator, {}, key_pair(seed), {}, {}, {}}).value();
  auto r = HandshakeState::initialize({p, Role::responder, {}, key_pair(seed + 1), {}, {}, {}}).value();
  crypto::StreamEntropy entropy(seed);
  RC_ASSERT(r.read_message(i.write_message(p0, entropy).value()).value() == p0);
  RC_ASSERT(i.read_message(r.write_message(p1, entropy).value()).value() == p1);
  RC_ASSERT(r.read_message(i.write_message(p2, entropy).value()).value() == p2);
  RC_ASSERT(i.handshake_hash() == r.handshake_hash());
}

}  // namespace
}  // namespace parley::transport::noise
