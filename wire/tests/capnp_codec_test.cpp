// Parley's Cap'n Proto wire layout (spec §5.7): round trips, the exact frame, and every way a
// hostile frame can be wrong, each with its typed error. Limits are tested at N and N+1.
#include "parley/wire/capnp_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>

#include "flat_message.h"
#include "parley/crypto/x25519.h"
#include "parley/wire/libsignal_codec.h"
#include "parley/wire/limits.h"
#include "parley/wire/schema/session.capnp.h"

namespace parley::wire {
namespace {

using core::Errc;
using protocol::kMacSize;

const CapnpCodec codec;

protocol::X25519PublicKey key_of(std::uint8_t seed) {
  protocol::X25519PublicKey k;
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed + 7 * i);
  return k;
}

protocol::SignalMessage sample_signal(std::size_t ciphertext_size = 32) {
  protocol::SignalMessage m;
  m.version_byte = 0x33;
  m.ratchet_key = key_of(1);
  m.counter = 7;
  m.previous_counter = 3;
  m.ciphertext.resize(ciphertext_size);
  for (std::size_t i = 0; i < ciphertext_size; ++i) m.ciphertext[i] = static_cast<std::uint8_t>(i * 13);
  return m;
}

protocol::PreKeySignalMessage sample_prekey(bool with_prekey_id) {
  protocol::PreKeySignalMessage m;
  m.registration_id = protocol::RegistrationId{0x01020304};
  if (with_prekey_id) m.prekey_id = protocol::PreKeyId{0xfffffffe};
  m.signed_prekey_id = protocol::SignedPreKeyId{9};
  m.base_key = key_of(2);
  m.identity_key = key_of(3);
  m.message = core::Bytes(75, 0xab);
  return m;
}

// An encoded SignalMessage with a fixed MAC appended, as the ratchet would send it.
core::Bytes with_mac(core::Bytes body) {
  for (std::size_t i = 0; i < kMacSize; ++i) body.push_back(static_cast<std::uint8_t>(0xc0 + i));
  return body;
}

// The frame of an arbitrary Cap'n Proto message, built with the library's own writer.
core::Bytes frame_of(capnp::MessageBuilder& builder, bool mac, std::uint8_t version = 0x33) {
  core::Bytes out{version};
  const auto words = capnp::messageToFlatArray(builder);
  const auto bytes = words.asBytes();
  out.insert(out.end(), bytes.begin(), bytes.end());
  return mac ? with_mac(std::move(out)) : out;
}

// Hand-made Cap'n Proto words, for frames no writer produces.
std::uint64_t struct_pointer(std::int32_t offset, std::uint16_t data_words, std::uint16_t pointers) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(offset) & 0x3fffffff) << 2) |
         static_cast<std::uint64_t>(data_words) << 32 | static_cast<std::uint64_t>(pointers) << 48;
}
std::uint64_t byte_list_pointer(std::int32_t offset, std::uint32_t count) {
  return 1 | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(offset) & 0x3fffffff) << 2) |
         std::uint64_t{2} << 32 | static_cast<std::uint64_t>(count) << 35;
}
std::uint64_t pointer_list_pointer(std::int32_t offset, std::uint32_t count) {
  return 1 | (static_cast<std::uint64_t>(static_cast<std::uint32_t>(offset) & 0x3fffffff) << 2) |
         std::uint64_t{6} << 32 | static_cast<std::uint64_t>(count) << 35;
}
core::Bytes frame_of_words(const std::vector<std::uint64_t>& words) {
  core::Bytes out{0x33, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(words.size() >> (8 * i)));
  for (auto w : words)
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
  return with_mac(std::move(out));
}

// A SignalMessage whose unknown third pointer refers `fanout` times to one blob of `blob_words`
// words: valid Cap'n Proto that a reader walking it reads fanout * blob_words words for.
core::Bytes aliased_frame(std::uint32_t fanout, std::uint32_t blob_words) {
  std::vector<std::uint64_t> w(13 + fanout + blob_words, 0);
  w[0] = struct_pointer(0, 2, 3);        // root: SignalMessage, 2 data words, 3 pointers
  w[1] = kWireLayoutVersion;             // layoutVersion; counters 0
  w[3] = byte_list_pointer(6 - 4, 33);   // ratchetKey at word 6
  w[4] = byte_list_pointer(11 - 5, 16);  // ciphertext at word 11
  w[5] = pointer_list_pointer(13 - 6, fanout);
  const auto key = crypto::serialize_public_key(key_of(4));
  std::memcpy(reinterpret_cast<std::uint8_t*>(&w[6]), key.data(), key.size());  // little-endian host
  const std::uint32_t blob = 13 + fanout;
  for (std::uint32_t i = 0; i < fanout; ++i)
    w[13 + i] = byte_list_pointer(static_cast<std::int32_t>(blob - (13 + i + 1)), blob_words * 8);
  return frame_of_words(w);
}

// A SignalMessage with an unknown pointer field holding a chain of `depth` nested structs.
core::Bytes nested_frame(int depth) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.getRoot<capnp::AnyPointer>().initAsAnyStruct(2, 3);
  auto m = root.as<schema::SignalMessage>();
  m.setLayoutVersion(kWireLayoutVersion);
  m.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(key_of(5))));
  m.setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  auto next = root.getPointerSection()[2];
  for (int i = 0; i < depth; ++i) next = next.initAsAnyStruct(0, 1).getPointerSection()[0];
  return frame_of(builder, true);
}

// ---- round trips and layout ----

TEST(CapnpCodec, SignalMessageRoundTrip) {
  const auto m = sample_signal();
  const auto body = codec.encode_signal_message(m);
  const auto wire = with_mac(body);
  auto decoded = codec.decode_signal_message(wire);
  ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
  EXPECT_EQ(decoded->fields, m);
  EXPECT_EQ(decoded->mac_input, body);  // the MAC covers exactly the bytes before it
  EXPECT_EQ(core::Bytes(decoded->mac.begin(), decoded->mac.end()),
            core::Bytes(wire.end() - kMacSize, wire.end()));
}

TEST(CapnpCodec, PreKeyMessageRoundTripWithAndWithoutOneTimePrekey) {
  for (bool with_id : {true, false}) {
    const auto m = sample_prekey(with_id);
    auto decoded = codec.decode_prekey_message(codec.encode_prekey_message(m));
    ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
    EXPECT_EQ(*decoded, m);
  }
}

TEST(CapnpCodec, FrameIsVersionByteThenOneSegmentThenMac) {
  const auto body = codec.encode_signal_message(sample_signal());
  ASSERT_GE(body.size(), 17u);
  EXPECT_EQ(body[0], 0x33);
  EXPECT_EQ((body.size() - 1) % 8, 0u);
  const std::uint32_t count_minus_one = body[1] | body[2] << 8 | body[3] << 16 | body[4] << 24;
  const std::uint32_t words = body[5] | body[6] << 8 | body[7] << 16 | body[8] << 24;
  EXPECT_EQ(count_minus_one, 0u);
  EXPECT_EQ(words, (body.size() - 9) / 8);
  // The encoder is deterministic: the same value gives the same bytes.
  EXPECT_EQ(codec.encode_signal_message(sample_signal()), body);
}

TEST(CapnpCodec, EmptyCiphertextAndMessageSurviveTheRoundTrip) {
  auto m = sample_signal(0);
  auto decoded = codec.decode_signal_message(with_mac(codec.encode_signal_message(m)));
  ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
  EXPECT_EQ(decoded->fields, m);
  auto p = sample_prekey(false);
  p.message.clear();
  auto again = codec.decode_prekey_message(codec.encode_prekey_message(p));
  ASSERT_TRUE(again.ok()) << core::to_string(again.error());
  EXPECT_EQ(*again, p);
}

TEST(CapnpCodec, UnalignedInputDecodes) {
  const auto wire = with_mac(codec.encode_signal_message(sample_signal(45)));
  for (std::size_t shift = 1; shift < 8; ++shift) {
    core::Bytes buffer(shift + wire.size());
    std::copy(wire.begin(), wire.end(), buffer.begin() + static_cast<std::ptrdiff_t>(shift));
    auto decoded = codec.decode_signal_message(core::BytesView(buffer).subspan(shift));
    ASSERT_TRUE(decoded.ok()) << "shift " << shift;
    EXPECT_EQ(decoded->fields, sample_signal(45));
  }
}

TEST(CapnpCodec, AnOutgrownFirstSegmentIsCopiedIntoOne) {
  core::Bytes out;
  flat_message::write<schema::SignalMessage>(out, 1, [](schema::SignalMessage::Builder b) {
    b.setLayoutVersion(kWireLayoutVersion);
    b.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(key_of(6))));
    b.setCiphertext(flat_message::as_data(core::Bytes(1000, 7)));
  });
  auto words = flat_message::check_single_segment(out);
  ASSERT_TRUE(words.ok());
  core::Bytes frame{0x33};
  core::append(frame, out);
  auto decoded = codec.decode_signal_message(with_mac(frame));
  ASSERT_TRUE(decoded.ok()) << core::to_string(decoded.error());
  EXPECT_EQ(decoded->fields.ciphertext, core::Bytes(1000, 7));
}

// ---- laws ----

rc::Gen<protocol::X25519PublicKey> arbitrary_key() {
  return rc::gen::map(rc::gen::container<std::vector<std::uint8_t>>(32, rc::gen::arbitrary<std::uint8_t>()),
                      [](const std::vector<std::uint8_t>& v) {
                        protocol::X25519PublicKey k;
                        std::copy(v.begin(), v.end(), k.begin());
                        return k;
                      });
}

RC_GTEST_PROP(CapnpCodecLaws, SignalMessageRoundTripsAndEncodesDeterministically, ()) {
  protocol::SignalMessage m;
  m.version_byte = *rc::gen::inRange<std::uint8_t>(0x30, 0x40);
  m.ratchet_key = *arbitrary_key();
  m.counter = *rc::gen::arbitrary<std::uint32_t>();
  m.previous_counter = *rc::gen::arbitrary<std::uint32_t>();
  m.ciphertext = *rc::gen::arbitrary<std::vector<std::uint8_t>>();
  const auto body = codec.encode_signal_message(m);
  auto decoded = codec.decode_signal_message(with_mac(body));
  RC_ASSERT(decoded.ok());
  RC_ASSERT(decoded->fields == m);
  RC_ASSERT(decoded->mac_input == body);
  RC_ASSERT(codec.encode_signal_message(decoded->fields) == body);
}

RC_GTEST_PROP(CapnpCodecLaws, PreKeyMessageRoundTrips, ()) {
  protocol::PreKeySignalMessage m;
  m.version_byte = *rc::gen::inRange<std::uint8_t>(0x30, 0x40);
  m.registration_id = protocol::RegistrationId{*rc::gen::arbitrary<std::uint32_t>()};
  if (*rc::gen::arbitrary<bool>()) m.prekey_id = protocol::PreKeyId{*rc::gen::arbitrary<std::uint32_t>()};
  m.signed_prekey_id = protocol::SignedPreKeyId{*rc::gen::arbitrary<std::uint32_t>()};
  m.base_key = *arbitrary_key();
  m.identity_key = *arbitrary_key();
  m.message = *rc::gen::arbitrary<std::vector<std::uint8_t>>();
  const auto wire = codec.encode_prekey_message(m);
  auto decoded = codec.decode_prekey_message(wire);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == m);
  RC_ASSERT(codec.encode_prekey_message(*decoded) == wire);
}

// Any single-bit change to a frame either fails to decode with a typed error or decodes with the
// changed bytes as its MAC input: a change that Cap'n Proto reads past (padding, an unused word)
// still reaches the MAC.
RC_GTEST_PROP(CapnpCodecLaws, TheMacInputIsTheBytesReceived, ()) {
  const auto wire =
      with_mac(codec.encode_signal_message(sample_signal(*rc::gen::inRange<std::size_t>(0, 64))));
  const auto bit = *rc::gen::inRange<std::size_t>(0, (wire.size() - kMacSize) * 8);
  auto flipped = wire;
  flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  auto decoded = codec.decode_signal_message(flipped);
  if (decoded.ok()) {
    RC_ASSERT(decoded->mac_input == core::Bytes(flipped.begin(), flipped.end() - kMacSize));
  } else {
    const auto code = decoded.code();
    RC_ASSERT(code == Errc::malformed || code == Errc::unsupported_version || code == Errc::bad_key);
  }
}

// ---- negative: framing ----

TEST(CapnpCodec, EveryTruncationIsMalformed) {
  const auto signal = with_mac(codec.encode_signal_message(sample_signal()));
  for (std::size_t n = 0; n < signal.size(); ++n)
    EXPECT_EQ(codec.decode_signal_message(core::BytesView(signal).first(n)).code(), Errc::malformed) << n;
  const auto prekey = codec.encode_prekey_message(sample_prekey(true));
  for (std::size_t n = 0; n < prekey.size(); ++n)
    EXPECT_EQ(codec.decode_prekey_message(core::BytesView(prekey).first(n)).code(), Errc::malformed) << n;
}

TEST(CapnpCodec, OddLengthIsMalformed) {
  auto signal = with_mac(codec.encode_signal_message(sample_signal()));
  signal.push_back(0);
  EXPECT_EQ(codec.decode_signal_message(signal).code(), Errc::malformed);
  auto prekey = codec.encode_prekey_message(sample_prekey(true));
  prekey.push_back(0);
  EXPECT_EQ(codec.decode_prekey_message(prekey).code(), Errc::malformed);
  // Whole words too many: the segment table no longer matches the length.
  prekey.insert(prekey.end(), 7, 0);
  EXPECT_EQ(codec.decode_prekey_message(prekey).code(), Errc::malformed);
}

TEST(CapnpCodec, MultiSegmentMessageIsMalformed) {
  capnp::MallocMessageBuilder builder(1, capnp::AllocationStrategy::FIXED_SIZE);
  auto m = builder.initRoot<schema::SignalMessage>();
  m.setLayoutVersion(kWireLayoutVersion);
  m.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(key_of(7))));
  m.setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  ASSERT_GT(builder.getSegmentsForOutput().size(), 1u);
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::malformed);
}

TEST(CapnpCodec, SizeLimitAtNAndNPlusOne) {
  // A frame is 1 + 8 * words + 8 bytes: the largest frame within the limit is 7 bytes below it,
  // and the smallest beyond it is one byte over.
  const std::size_t base = with_mac(codec.encode_signal_message(sample_signal(0))).size();
  const auto largest = with_mac(codec.encode_signal_message(sample_signal(kMaxCapnpMessageSize - 7 - base)));
  ASSERT_EQ(largest.size(), kMaxCapnpMessageSize - 7);
  EXPECT_TRUE(codec.decode_signal_message(largest).ok());
  const auto over = with_mac(codec.encode_signal_message(sample_signal(kMaxCapnpMessageSize + 1 - base)));
  ASSERT_EQ(over.size(), kMaxCapnpMessageSize + 1);
  EXPECT_EQ(codec.decode_signal_message(over).code(), Errc::malformed);

  auto prekey = sample_prekey(true);
  prekey.message.clear();
  const std::size_t prekey_base = codec.encode_prekey_message(prekey).size();
  prekey.message.resize(kMaxCapnpMessageSize + 1 - prekey_base);
  EXPECT_EQ(codec.decode_prekey_message(codec.encode_prekey_message(prekey)).code(), Errc::malformed);
  prekey.message.resize(kMaxCapnpMessageSize - 7 - prekey_base);
  EXPECT_TRUE(codec.decode_prekey_message(codec.encode_prekey_message(prekey)).ok());
}

// ---- negative: contents ----

TEST(CapnpCodec, UnknownFieldsAreAcceptedWithinTheNestingLimit) {
  // The root is level 1, so a chain of kCapnpNestingLimit - 1 structs reaches the limit exactly.
  EXPECT_TRUE(codec.decode_signal_message(nested_frame(kCapnpNestingLimit - 1)).ok());
  EXPECT_EQ(codec.decode_signal_message(nested_frame(kCapnpNestingLimit)).code(), Errc::malformed);
  EXPECT_EQ(codec.decode_signal_message(nested_frame(100)).code(), Errc::malformed);
}

TEST(CapnpCodec, AliasedPointersHitTheTraversalLimit) {
  auto plain = codec.decode_signal_message(aliased_frame(1, 64));
  ASSERT_TRUE(plain.ok()) << core::to_string(plain.error());
  EXPECT_EQ(plain->fields.ratchet_key, key_of(4));
  // 64 pointers to one 64-word blob: 4096 words to walk in a message of 141.
  EXPECT_EQ(codec.decode_signal_message(aliased_frame(64, 64)).code(), Errc::malformed);
}

TEST(CapnpCodec, CapabilityPointerIsMalformed) {
  auto wire = aliased_frame(1, 1);
  // Replace the unknown pointer (segment word 5) by a capability pointer (kind 3, index 0).
  const std::size_t at = 1 + flat_message::kSegmentTableSize + 5 * 8;
  std::fill(wire.begin() + at, wire.begin() + at + 8, 0);
  wire[at] = 3;
  EXPECT_EQ(codec.decode_signal_message(wire).code(), Errc::malformed);
}

TEST(CapnpCodec, WrongPointerKindIsMalformed) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.getRoot<capnp::AnyPointer>().initAsAnyStruct(2, 2);
  root.as<schema::SignalMessage>().setLayoutVersion(kWireLayoutVersion);
  root.getPointerSection()[0].initAsAnyStruct(1, 0);  // a struct where the ratchet key's Data belongs
  root.as<schema::SignalMessage>().setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::malformed);
}

TEST(CapnpCodec, MissingFieldsAreMalformed) {
  capnp::MallocMessageBuilder builder;
  auto m = builder.initRoot<schema::SignalMessage>();
  m.setLayoutVersion(kWireLayoutVersion);
  m.setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::malformed);
  m.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(key_of(8))));
  EXPECT_TRUE(codec.decode_signal_message(frame_of(builder, true)).ok());
  m.disownCiphertext();
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::malformed);

  capnp::MallocMessageBuilder prekey;
  auto p = prekey.initRoot<schema::PreKeySignalMessage>();
  p.setLayoutVersion(kWireLayoutVersion);
  p.setBaseKey(flat_message::as_data(crypto::serialize_public_key(key_of(9))));
  p.setIdentityKey(flat_message::as_data(crypto::serialize_public_key(key_of(10))));
  EXPECT_EQ(codec.decode_prekey_message(frame_of(prekey, false)).code(),
            Errc::malformed);  // no inner message
}

TEST(CapnpCodec, WrongKeyTypeOrLengthIsBadKey) {
  auto key = crypto::serialize_public_key(key_of(11));
  key[0] = 0x08;
  capnp::MallocMessageBuilder builder;
  auto m = builder.initRoot<schema::SignalMessage>();
  m.setLayoutVersion(kWireLayoutVersion);
  m.setRatchetKey(flat_message::as_data(key));
  m.setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::bad_key);
  m.setRatchetKey(flat_message::as_data(core::BytesView(key).subspan(1)));  // 32 bytes, no type byte
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::bad_key);

  // The type byte inside an encoder's own frame.
  auto p = sample_prekey(true);
  auto wire = codec.encode_prekey_message(p);
  const auto identity = crypto::serialize_public_key(p.identity_key);
  auto at = std::search(wire.begin(), wire.end(), identity.begin(), identity.end());
  ASSERT_NE(at, wire.end());
  *at = 0x06;
  EXPECT_EQ(codec.decode_prekey_message(wire).code(), Errc::bad_key);
}

TEST(CapnpCodec, VersionsAreChecked) {
  auto wire = with_mac(codec.encode_signal_message(sample_signal()));
  wire[0] = 0x43;
  EXPECT_EQ(codec.decode_signal_message(wire).code(), Errc::unsupported_version);
  wire[0] = 0x34;  // libsignal's current version byte: accepted as in §5.6
  EXPECT_TRUE(codec.decode_signal_message(wire).ok());

  capnp::MallocMessageBuilder builder;
  auto m = builder.initRoot<schema::SignalMessage>();
  m.setLayoutVersion(kWireLayoutVersion + 1);
  m.setRatchetKey(flat_message::as_data(crypto::serialize_public_key(key_of(12))));
  m.setCiphertext(flat_message::as_data(core::Bytes(16, 1)));
  EXPECT_EQ(codec.decode_signal_message(frame_of(builder, true)).code(), Errc::unsupported_version);
  capnp::MallocMessageBuilder prekey;
  prekey.initRoot<schema::PreKeySignalMessage>().setLayoutVersion(0);
  EXPECT_EQ(codec.decode_prekey_message(frame_of(prekey, false)).code(), Errc::unsupported_version);
}

TEST(CapnpCodec, ALibsignalFrameIsNotAParleyFrame) {
  const LibsignalCodec libsignal;
  const auto wire = with_mac(libsignal.encode_signal_message(sample_signal()));
  EXPECT_EQ(codec.decode_signal_message(wire).code(), Errc::malformed);
  EXPECT_EQ(codec.decode_prekey_message(libsignal.encode_prekey_message(sample_prekey(true))).code(),
            Errc::malformed);
}

}  // namespace
}  // namespace parley::wire
