// Client-server frames (spec §6.9): every frame kind round trips through its value type with every
// field set; the codec reads what the schema says (a frame built field by field with Cap'n Proto
// decodes to the expected value); a hostile frame gets its typed error; the size limit holds at N
// and N+1.
#include "parley/wire/frames/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flat_message.h"
#include "parley/wire/limits.h"
#include "parley/wire/schema/frames.capnp.h"

namespace parley::wire {
namespace {

using core::Errc;

core::Bytes pattern(std::size_t size, std::uint8_t seed = 1) {
  core::Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 31 + (i >> 8));
  return b;
}

const core::Bytes key33 = [] {
  auto k = pattern(33, 5);
  k[0] = 0x05;  // a public key's type byte (spec §3.1)
  return k;
}();
const core::Bytes key32 = pattern(32, 6), sig = pattern(64, 7), blob = pattern(300, 8);
const SignedPreKeyEntry signed_prekey{9, key33, sig};
const DeviceBundle bundle{1, 6, 40, key33, signed_prekey, OneTimePreKeyEntry{100, key33}};

// One frame of each kind with every field set, so that a lost field shows in the comparison.
std::vector<FrameBody> samples() {
  const DeviceKeys keys{key33, key32, sig, 1234};
  DeviceBundle exhausted = bundle;  // a device whose one-time prekeys ran out
  exhausted.device = 2;
  exhausted.one_time_prekey.reset();
  return {
      Register{keys},
      Login{0x0102030405060708, 3},
      LoggedIn{77, 1, 5, sig},
      UploadPreKeys{signed_prekey, {{100, key33}, {101, key33}, {102, key33}}},
      FetchPreKeys{77},
      PreKeyBundles{77, {bundle, exhausted}},
      GetDeviceList{77},
      PutDeviceList{77, 3, blob},
      DeviceListReply{78, 4, blob, {{1, 5}, {2, 9}}},
      Send{11, 78, {{1, 2, blob}, {2, 3, blob}}, 0, {key32}},
      SendAck{11, 900, 1'700'000'000'000},
      Deliver{900, 1'700'000'000'000, 77, 1, blob},
      Ack{900},
      RetiredReceipt{},
      BlobUpload{key32, 0, 300, blob},
      BlobDownload{key32, 100, 200},
      BlobData{key32, 100, 300, blob},
      QueueEmpty{},
      ErrorFrame{ErrorCode::device_mismatch, "device list changed", {4}, {0, 6}, {2}, 0},
      Ok{},
      LinkDevice{DeviceKeys{key33, key32, sig, 99}},
      DeviceLinked{77, 2, 6},
      RemoveDevice{2},
      LinkApproval{2, sig},
      LinkConfirmation{2, sig},
      RetryRequest{7, 2, 99, 2, bundle},
      BlobStatus{key32},
      BlobState{key32, 300, 128, false},
      BlobFetched{key32},
      GroupLogAppend{core::Bytes(16, 7), core::Bytes(200, 8)},
      GroupLogFetch{core::Bytes(16, 7), 3},
      GroupLog{core::Bytes(16, 7), 3, {core::Bytes(180, 1), core::Bytes(), core::Bytes(220, 2)}, true},
      GroupSend{9, core::Bytes(16, 7), 4, core::Bytes(120, 4), {{2, {{1, 5}, {3, 6}}}, {7, {}}}, {core::Bytes(32, 9)}},
  };
}

TEST(Frames, EveryKindRoundTrips) {
  const auto all = samples();
  ASSERT_EQ(all.size(), std::variant_size_v<FrameBody>) << "a frame kind without a sample";
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i].index(), i);
    auto bytes = encode_frame(42, all[i]);
    ASSERT_TRUE(bytes.ok()) << frame_name(all[i]);
    auto frame = decode_frame(*bytes);
    ASSERT_TRUE(frame.ok()) << frame_name(all[i]) << ": " << core::to_string(frame.error());
    EXPECT_EQ(frame->request_id, 42u);
    EXPECT_EQ(frame->body, all[i]) << frame_name(all[i]);
    // The encoder is deterministic: the same value gives the same bytes.
    EXPECT_EQ(encode_frame(42, frame->body).value(), *bytes);
  }
}

TEST(Frames, TheCodecReadsWhatTheSchemaSays) {
  // Built with the generated builders, independently of the codec's writers.
  core::Bytes bytes;
  flat_message::write<schema::Frame>(bytes, 64, [](schema::Frame::Builder f) {
    f.setProtocolVersion(kFrameProtocolVersion);
    f.setRequestId(5);
    auto s = f.getBody().initSend();
    s.setClientMessageId(11);
    s.setDestinationAccount(78);
    s.setRetryOf(900);
    auto list = s.initCiphertexts(1);
    list[0].setDeviceId(2);
    list[0].setIncarnation(3);
    list[0].setCiphertext(flat_message::as_data(blob));
  });
  auto frame = decode_frame(bytes);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->request_id, 5u);
  EXPECT_EQ(frame->body, FrameBody(Send{11, 78, {{2, 3, blob}}, 900}));

  core::Bytes error;
  flat_message::write<schema::Frame>(error, 64, [](schema::Frame::Builder f) {
    f.setProtocolVersion(kFrameProtocolVersion);
    auto e = f.getBody().initError();
    e.setCode(schema::ErrorCode::RATE_LIMITED);
    e.setDetail("slow down");
    e.setRetryAfterMs(250);
  });
  EXPECT_EQ(decode_frame(error).value().body, FrameBody(ErrorFrame{ErrorCode::rate_limited, "slow down", {}, {}, {}, 250}));
}

TEST(Frames, AGroupSendsMismatchNamesEveryAccountThatDiffers) {
  // spec §11.3: one refusal lists each account's missing, extra and stale devices, so that one
  // re-plan fixes them all.
  ErrorFrame refusal{ErrorCode::device_mismatch, "devices differ", {}, {}, {}, 0,
                     {{3, {2}, {}, {}}, {9, {}, {4, 5}, {1}}}};
  const auto back = decode_frame(encode_frame(7, refusal).value()).value();
  EXPECT_EQ(back.body, FrameBody(refusal));
}

TEST(Frames, EveryErrorCodeMapsToItsOwnErrc) {
  // Each code but the prekeysLow warning comes back to a client as an Errc of its own, and the
  // server sends each of those Errcs as that code again.
  std::vector<Errc> seen;
  for (std::uint16_t v = 0; v <= static_cast<std::uint16_t>(ErrorCode::quota_exceeded); ++v) {
    const auto code = static_cast<ErrorCode>(v);
    const auto errc = errc_for(code);
    if (code == ErrorCode::prekeys_low) continue;
    EXPECT_NE(errc, Errc::internal) << v;
    EXPECT_EQ(std::count(seen.begin(), seen.end(), errc), 0) << v;
    seen.push_back(errc);
    EXPECT_EQ(error_code_for(errc), code) << v;
  }
  EXPECT_EQ(errc_for(static_cast<ErrorCode>(200)), Errc::unsupported);  // a code from a later build
}

TEST(Frames, AnotherProtocolVersionIsUnsupportedVersion) {
  core::Bytes bytes;
  flat_message::write<schema::Frame>(bytes, 16, [](schema::Frame::Builder f) {
    f.setProtocolVersion(kFrameProtocolVersion + 1);
    f.getBody().setOk();
  });
  EXPECT_EQ(decode_frame(bytes).code(), Errc::unsupported_version);
}

TEST(Frames, AKindFromALaterBuildIsUnsupported) {
  // The union's discriminant one past the last member this build knows.
  auto bytes = encode_frame(1, Ok{}).value();
  const auto last = static_cast<std::uint16_t>(schema::Frame::Body::GROUP_SEND);
  bool patched = false;
  for (std::size_t i = flat_message::kSegmentTableSize; i + 1 < bytes.size(); ++i) {
    const auto which = static_cast<std::uint16_t>(bytes[i] | bytes[i + 1] << 8);
    if (which == static_cast<std::uint16_t>(schema::Frame::Body::OK) && (i - flat_message::kSegmentTableSize) % 2 == 0) {
      bytes[i] = static_cast<std::uint8_t>(last + 1);
      bytes[i + 1] = 0;
      if (decode_frame(bytes).code() == Errc::unsupported) {
        patched = true;
        break;
      }
      bytes[i] = static_cast<std::uint8_t>(which);
    }
  }
  EXPECT_TRUE(patched) << "no discriminant found to patch";
}

TEST(Frames, TruncatedAndGarbageBytesAreMalformed) {
  auto bytes = encode_frame(1, samples()[9]).value();
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{8}, bytes.size() - 8, bytes.size() - 1}) {
    auto frame = decode_frame(core::BytesView(bytes).first(cut));
    ASSERT_FALSE(frame.ok()) << cut;
    EXPECT_EQ(frame.code(), Errc::malformed) << cut;
  }
  // A segment table that matches but a root pointer far outside the segment.
  const core::Bytes bad = {0, 0, 0, 0, 1, 0, 0, 0, 0xfc, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x01, 0x00};
  EXPECT_EQ(decode_frame(bad).code(), Errc::malformed);
}

core::Result<core::Bytes> blob_frame(std::size_t data_size) {
  return encode_frame(7, BlobData{{}, 0, data_size, pattern(data_size)});
}

TEST(Frames, AOneMebibyteBlobFitsTheLimit) {
  auto bytes = blob_frame(1024 * 1024);
  ASSERT_TRUE(bytes.ok());
  auto frame = decode_frame(*bytes);
  ASSERT_TRUE(frame.ok());
  EXPECT_TRUE(frame->is<BlobData>());
}

TEST(Frames, SizeLimitAtNAndNPlusOne) {
  // Data of n bytes costs n rounded up to words plus the fixed words around it: find the largest
  // frame that still encodes, then check one word more is refused on both sides.
  auto fits = blob_frame(kMaxFrameSize - 128);
  ASSERT_TRUE(fits.ok());
  const std::size_t overhead = fits->size() - (kMaxFrameSize - 128);
  const std::size_t largest = kMaxFrameSize - overhead;
  auto at = blob_frame(largest);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->size(), kMaxFrameSize);
  EXPECT_TRUE(decode_frame(*at).ok());
  auto over = blob_frame(largest + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::limit_exceeded);
  EXPECT_EQ(decode_frame(core::Bytes(kMaxFrameSize + 1)).code(), Errc::limit_exceeded);
}

TEST(Frames, AnErrorDetailIsBounded) {
  const ErrorFrame long_detail{ErrorCode::malformed, std::string(5000, 'x'), {}, {}, {}, 0};
  auto back = decode_frame(encode_frame(1, long_detail).value()).value();
  EXPECT_EQ(back.get<ErrorFrame>()->detail.size(), kMaxErrorDetail);
}

TEST(Frames, BundlesConvertToTheProtocolAndBack) {
  auto parsed = to_protocol_bundle(bundle);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ(from_protocol_bundle(**parsed, bundle.incarnation), bundle);
  DeviceBundle no_signed_prekey = bundle;
  no_signed_prekey.signed_prekey.reset();
  EXPECT_FALSE(to_protocol_bundle(no_signed_prekey).value().has_value());
  DeviceBundle short_key = bundle;
  short_key.identity_key.pop_back();
  EXPECT_EQ(to_protocol_bundle(short_key).code(), Errc::bad_key);
  DeviceBundle short_signature = bundle;
  short_signature.signed_prekey->signature.pop_back();
  EXPECT_EQ(to_protocol_bundle(short_signature).code(), Errc::malformed);
}

}  // namespace
}  // namespace parley::wire
