// Client-server frames (spec §6.9): every frame kind round trips; chunking round trips at the
// sizes issue 4 names and at any size up to the limit; every hostile frame or chunk sequence gets
// its typed error. Limits are tested at N and N+1.
#include "parley/transport/frames.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "parley/transport/frame_chunks.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/limits.h"

namespace parley::transport {
namespace {

using core::Errc;
using Which = wire::Frame::Body::Which;

core::Bytes pattern(std::size_t size, std::uint8_t seed = 1) {
  core::Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 31 + (i >> 8));
  return b;
}

capnp::Data::Reader data(const core::Bytes& b) { return {b.data(), b.size()}; }

struct Sample {
  Which kind;
  std::function<void(wire::Frame::Builder)> fill;
};

// One frame of each kind with every field set, so that a lost field shows in the comparison.
std::vector<Sample> samples() {
  static const core::Bytes key33 = pattern(33, 5), key32 = pattern(32, 6), sig = pattern(64, 7);
  static const core::Bytes blob = pattern(300, 8);
  const auto signed_prekey = [](wire::SignedPreKey::Builder s) {
    s.setId(9);
    s.setPublicKey(data(key33));
    s.setSignature(data(sig));
  };
  return {
      {Which::REGISTER,
       [](wire::Frame::Builder f) {
         auto r = f.getBody().initRegister();
         r.setIdentityKey(data(key33));
         r.setNoiseStaticKey(data(key32));
         r.setNoiseKeySignature(data(sig));
         r.setRegistrationId(1234);
       }},
      {Which::LOGIN,
       [](wire::Frame::Builder f) {
         auto l = f.getBody().initLogin();
         l.setAccountId(0x0102030405060708);
         l.setDeviceId(3);
       }},
      {Which::LOGGED_IN,
       [](wire::Frame::Builder f) {
         auto l = f.getBody().initLoggedIn();
         l.setAccountId(77);
         l.setDeviceId(1);
         l.setIncarnation(5);
       }},
      {Which::UPLOAD_PRE_KEYS,
       [=](wire::Frame::Builder f) {
         auto u = f.getBody().initUploadPreKeys();
         signed_prekey(u.initSignedPreKey());
         auto list = u.initOneTimePreKeys(3);
         for (unsigned i = 0; i < list.size(); ++i) {
           list[i].setId(100 + i);
           list[i].setPublicKey(data(key33));
         }
       }},
      {Which::FETCH_PRE_KEYS,
       [](wire::Frame::Builder f) { f.getBody().initFetchPreKeys().setAccountId(77); }},
      {Which::PRE_KEY_BUNDLES,
       [=](wire::Frame::Builder f) {
         auto b = f.getBody().initPreKeyBundles();
         b.setAccountId(77);
         auto list = b.initBundles(2);
         for (unsigned i = 0; i < list.size(); ++i) {
           list[i].setDeviceId(i + 1);
           list[i].setRegistrationId(40 + i);
           list[i].setIdentityKey(data(key33));
           signed_prekey(list[i].initSignedPreKey());
           if (i == 0) {  // the second device's stock ran out
             auto otk = list[i].initOneTimePreKey();
             otk.setId(100);
             otk.setPublicKey(data(key33));
           }
         }
       }},
      {Which::GET_DEVICE_LIST,
       [](wire::Frame::Builder f) { f.getBody().initGetDeviceList().setAccountId(77); }},
      {Which::PUT_DEVICE_LIST,
       [](wire::Frame::Builder f) {
         auto d = f.getBody().initPutDeviceList();
         d.setAccountId(77);
         d.setSignedList(data(blob));
       }},
      {Which::DEVICE_LIST,
       [](wire::Frame::Builder f) {
         auto d = f.getBody().initDeviceList();
         d.setAccountId(78);
         d.setSignedList(data(blob));
       }},
      {Which::SEND,
       [](wire::Frame::Builder f) {
         auto s = f.getBody().initSend();
         s.setClientMessageId(11);
         s.setDestinationAccount(78);
         auto list = s.initCiphertexts(2);
         for (unsigned i = 0; i < list.size(); ++i) {
           list[i].setDeviceId(i + 1);
           list[i].setIncarnation(2);
           list[i].setCiphertext(data(blob));
         }
       }},
      {Which::SEND_ACK,
       [](wire::Frame::Builder f) {
         auto a = f.getBody().initSendAck();
         a.setClientMessageId(11);
         a.setServerId(900);
         a.setServerTimestampMs(1'700'000'000'000);
       }},
      {Which::DELIVER,
       [](wire::Frame::Builder f) {
         auto d = f.getBody().initDeliver();
         d.setServerId(900);
         d.setServerTimestampMs(1'700'000'000'000);
         d.setSenderAccount(77);
         d.setSenderDevice(1);
         d.setCiphertext(data(blob));
       }},
      {Which::ACK, [](wire::Frame::Builder f) { f.getBody().initAck().setServerId(900); }},
      {Which::RECEIPT,
       [](wire::Frame::Builder f) {
         auto r = f.getBody().initReceipt();
         r.setPeerAccount(78);
         r.setPeerDevice(2);
         r.setBody(data(blob));
       }},
      {Which::BLOB_UPLOAD,
       [](wire::Frame::Builder f) {
         auto u = f.getBody().initBlobUpload();
         u.setContentHash(data(key32));
         u.setOffset(0);
         u.setTotalSize(300);
         u.setData(data(blob));
       }},
      {Which::BLOB_DOWNLOAD,
       [](wire::Frame::Builder f) {
         auto d = f.getBody().initBlobDownload();
         d.setContentHash(data(key32));
         d.setOffset(100);
         d.setLength(200);
       }},
      {Which::BLOB_DATA,
       [](wire::Frame::Builder f) {
         auto d = f.getBody().initBlobData();
         d.setContentHash(data(key32));
         d.setOffset(100);
         d.setTotalSize(300);
         d.setData(data(blob));
       }},
      {Which::QUEUE_EMPTY, [](wire::Frame::Builder f) { f.getBody().setQueueEmpty(); }},
      {Which::ERROR,
       [](wire::Frame::Builder f) {
         auto e = f.getBody().initError();
         e.setCode(wire::ErrorCode::DEVICE_MISMATCH);
         e.setDetail("device list changed");
         e.initMissingDevices(1).set(0, 4);
         e.initExtraDevices(2).set(1, 6);
         e.initStaleDevices(1).set(0, 2);
         e.setRetryAfterMs(0);
       }},
      {Which::OK, [](wire::Frame::Builder f) { f.getBody().setOk(); }},
      {Which::LINK_DEVICE,
       [](wire::Frame::Builder f) {
         auto r = f.getBody().initLinkDevice();
         r.setIdentityKey(data(key33));
         r.setNoiseStaticKey(data(key32));
         r.setNoiseKeySignature(data(sig));
         r.setRegistrationId(99);
       }},
      {Which::DEVICE_LINKED,
       [](wire::Frame::Builder f) {
         auto l = f.getBody().initDeviceLinked();
         l.setAccountId(77);
         l.setDeviceId(2);
         l.setIncarnation(6);
       }},
      {Which::REMOVE_DEVICE, [](wire::Frame::Builder f) { f.getBody().initRemoveDevice().setDeviceId(2); }},
      {Which::LINK_APPROVAL,
       [](wire::Frame::Builder f) {
         auto a = f.getBody().initLinkApproval();
         a.setDeviceId(2);
         a.setApproval(data(sig));
       }},
      {Which::LINK_CONFIRMATION,
       [](wire::Frame::Builder f) {
         auto c = f.getBody().initLinkConfirmation();
         c.setDeviceId(2);
         c.setSignedIdentity(data(sig));
       }},
      {Which::RETRY_REQUEST,
       [](wire::Frame::Builder f) {
         auto r = f.getBody().initRetryRequest();
         r.setAccount(7);
         r.setDevice(2);
         r.setServerId(99);
         r.setAttempt(1);
       }},
  };
}

std::string text_of(const DecodedFrame& frame) {
  auto text = read_frame(frame, [](wire::Frame::Reader r) -> core::Result<std::string> {
    return std::string(kj::str(r).cStr());
  });
  return text.ok() ? *text : "error";
}

TEST(Frames, EveryKindRoundTrips) {
  const auto all = samples();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(Which::RETRY_REQUEST) + 1) << "a frame kind without a sample";
  for (const auto& sample : all) {
    capnp::MallocMessageBuilder expected;
    auto root = expected.initRoot<wire::Frame>();
    root.setProtocolVersion(kFrameProtocolVersion);
    root.setRequestId(42);
    sample.fill(root);

    auto bytes = encode_frame(42, 16, sample.fill);
    ASSERT_TRUE(bytes.ok());
    auto frame = DecodedFrame::decode(*bytes);
    ASSERT_TRUE(frame.ok()) << core::to_string(frame.error());
    EXPECT_EQ(frame->kind(), static_cast<std::uint16_t>(sample.kind));
    EXPECT_EQ(frame->request_id(), 42u);
    EXPECT_EQ(frame->size(), bytes->size());
    EXPECT_EQ(text_of(*frame), std::string(kj::str(root.asReader()).cStr()));
  }
}

TEST(Frames, ReadingTwiceGetsAFreshBudget) {
  auto bytes = encode_frame(1, 16, samples()[9].fill);
  ASSERT_TRUE(bytes.ok());
  auto frame = DecodedFrame::decode(*bytes);
  ASSERT_TRUE(frame.ok());
  for (int i = 0; i < 5; ++i) EXPECT_NE(text_of(*frame), "error");
}

TEST(Frames, AnExceptionInsideReadIsMalformed) {
  auto bytes = encode_frame(1, 16, [](wire::Frame::Builder f) { f.getBody().setOk(); });
  ASSERT_TRUE(bytes.ok());
  auto frame = DecodedFrame::decode(*bytes);
  ASSERT_TRUE(frame.ok());
  auto r = read_frame(*frame, [](wire::Frame::Reader) -> core::Result<int> { KJ_FAIL_REQUIRE("hostile"); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Errc::malformed);
}

TEST(Frames, AnotherProtocolVersionIsUnsupported) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<wire::Frame>();
  root.setProtocolVersion(kFrameProtocolVersion + 1);
  root.getBody().setOk();
  auto bytes = encode_frame(builder);
  ASSERT_TRUE(bytes.ok());
  auto frame = DecodedFrame::decode(*bytes);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.code(), Errc::unsupported_version);
}

TEST(Frames, TruncatedAndGarbageBytesAreMalformed) {
  auto bytes = encode_frame(1, 16, samples()[9].fill);
  ASSERT_TRUE(bytes.ok());
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{1}, std::size_t{8}, bytes->size() - 8, bytes->size() - 1}) {
    auto frame = DecodedFrame::decode(core::BytesView(*bytes).first(cut));
    ASSERT_FALSE(frame.ok()) << cut;
    EXPECT_EQ(frame.code(), Errc::malformed) << cut;
  }
  // A segment table that matches but a root pointer far outside the segment.
  core::Bytes bad = {0, 0, 0, 0, 1, 0, 0, 0, 0xfc, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x01, 0x00};
  auto frame = DecodedFrame::decode(bad);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.code(), Errc::malformed);
}

core::Result<core::Bytes> blob_frame(std::size_t data_size) {
  const core::Bytes payload = pattern(data_size);
  return encode_frame(7, 16 + data_size / 8, [&](wire::Frame::Builder f) {
    auto b = f.getBody().initBlobData();
    b.setTotalSize(data_size);
    b.setData(data(payload));
  });
}

TEST(Frames, AOneMebibyteBlobFitsTheLimit) {
  auto bytes = blob_frame(1024 * 1024);
  ASSERT_TRUE(bytes.ok());
  auto frame = DecodedFrame::decode(*bytes);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->kind(), static_cast<std::uint16_t>(Which::BLOB_DATA));
}

TEST(Frames, SizeLimitAtNAndNPlusOne) {
  // Data of n bytes costs n rounded up to words plus the fixed words around it: find the largest
  // frame that still encodes, then check one word more is rejected on both sides.
  auto fits = blob_frame(kMaxFrameSize - 128);
  ASSERT_TRUE(fits.ok());
  const std::size_t overhead = fits->size() - (kMaxFrameSize - 128);
  const std::size_t largest = kMaxFrameSize - overhead;
  auto at = blob_frame(largest);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->size(), kMaxFrameSize);
  EXPECT_TRUE(DecodedFrame::decode(*at).ok());
  auto over = blob_frame(largest + 1);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::limit_exceeded);

  core::Bytes too_big(kMaxFrameSize + 1);
  auto frame = DecodedFrame::decode(too_big);
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.code(), Errc::limit_exceeded);
}

// ------------------------------------------------------------------------------------------------
// Chunking

core::Result<core::Bytes> reassemble(const std::vector<core::Bytes>& chunks) {
  Reassembler r;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    PARLEY_TRY(auto out, r.accept(chunks[i]));
    if (out) {
      if (i + 1 != chunks.size() || !r.idle()) return core::make_error(Errc::internal, "early frame");
      return std::move(*out);
    }
  }
  return core::make_error(Errc::internal, "no frame");
}

void expect_round_trip(std::size_t size) {
  const core::Bytes frame = pattern(size, 3);
  auto chunks = split_frame(frame);
  ASSERT_TRUE(chunks.ok());
  std::size_t expected_chunks = 1;
  if (size > kMaxChunkSize - kStartChunkHeaderSize)
    expected_chunks +=
        (size - (kMaxChunkSize - kStartChunkHeaderSize) + kMaxChunkSize - kChunkFlagsSize - 1) /
        (kMaxChunkSize - kChunkFlagsSize);
  EXPECT_EQ(chunks->size(), expected_chunks) << size;
  for (const auto& c : *chunks) EXPECT_LE(c.size(), kMaxChunkSize);
  auto back = reassemble(*chunks);
  ASSERT_TRUE(back.ok()) << core::to_string(back.error());
  EXPECT_EQ(*back, frame);
}

TEST(FrameChunks, RoundTripsAtIssueSizes) {
  for (std::size_t size :
       {std::size_t{1}, std::size_t{65535}, std::size_t{1024 * 1024}, kMaxChunkSize - kStartChunkHeaderSize,
        kMaxChunkSize - kStartChunkHeaderSize + 1, kMaxFrameSize})
    expect_round_trip(size);
}

TEST(FrameChunks, SplitRejectsEmptyAndOversizedFrames) {
  auto empty = split_frame({});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.code(), Errc::malformed);
  const core::Bytes big(kMaxFrameSize + 1);
  auto over = split_frame(big);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.code(), Errc::limit_exceeded);
}

core::Bytes start_chunk(std::uint32_t length, std::size_t payload, bool more) {
  core::Bytes c{static_cast<std::uint8_t>(kChunkStart | (more ? kChunkMore : 0))};
  for (int i = 0; i < 4; ++i) c.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  core::append(c, pattern(payload));
  return c;
}

core::Bytes next_chunk(std::size_t payload, bool more) {
  core::Bytes c{static_cast<std::uint8_t>(more ? kChunkMore : 0)};
  core::append(c, pattern(payload));
  return c;
}

Errc error_of(Reassembler& r, const core::Bytes& chunk) {
  auto out = r.accept(chunk);
  EXPECT_FALSE(out.ok());
  return out.ok() ? Errc::internal : out.code();
}

TEST(FrameChunks, DeclaredLengthAtNAndNPlusOne) {
  Reassembler at;
  auto ok = at.accept(start_chunk(kMaxFrameSize, 10, true));
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(*ok);
  EXPECT_FALSE(at.idle());
  Reassembler over;
  EXPECT_EQ(error_of(over, start_chunk(kMaxFrameSize + 1, 10, true)), Errc::limit_exceeded);
  EXPECT_TRUE(over.idle());
}

TEST(FrameChunks, ChunkSizeAtNAndNPlusOne) {
  Reassembler at;
  EXPECT_TRUE(at.accept(start_chunk(kMaxChunkSize - kStartChunkHeaderSize,
                                    kMaxChunkSize - kStartChunkHeaderSize, false))
                  .ok());
  Reassembler over;
  EXPECT_EQ(error_of(over, start_chunk(kMaxChunkSize, kMaxChunkSize - kStartChunkHeaderSize + 1, false)),
            Errc::limit_exceeded);
}

TEST(FrameChunks, BadSequencesAreTyped) {
  {
    Reassembler r;
    EXPECT_EQ(error_of(r, next_chunk(10, false)), Errc::malformed);  // continuation without a start
  }
  {
    Reassembler r;
    ASSERT_TRUE(r.accept(start_chunk(100, 10, true)).ok());
    EXPECT_EQ(error_of(r, start_chunk(100, 10, true)), Errc::malformed);  // start inside a frame
  }
  {
    Reassembler r;
    ASSERT_TRUE(r.accept(start_chunk(100, 10, true)).ok());
    EXPECT_EQ(error_of(r, next_chunk(91, true)), Errc::malformed);  // past the declared length
    EXPECT_TRUE(r.idle());
  }
  {
    Reassembler r;
    ASSERT_TRUE(r.accept(start_chunk(100, 10, true)).ok());
    EXPECT_EQ(error_of(r, next_chunk(50, false)), Errc::malformed);  // truncated
  }
  {
    Reassembler r;
    EXPECT_EQ(error_of(r, start_chunk(10, 10, true)), Errc::malformed);  // more after the last byte
  }
  {
    Reassembler r;
    ASSERT_TRUE(r.accept(start_chunk(100, 10, true)).ok());
    EXPECT_EQ(error_of(r, next_chunk(0, true)), Errc::malformed);  // no progress
  }
  {
    Reassembler r;
    EXPECT_EQ(error_of(r, core::Bytes{}), Errc::malformed);
    EXPECT_EQ(error_of(r, core::Bytes{0x04, 1}), Errc::malformed);            // unknown flag
    EXPECT_EQ(error_of(r, core::Bytes{kChunkStart, 1, 0}), Errc::malformed);  // short length
    EXPECT_EQ(error_of(r, start_chunk(0, 0, false)), Errc::malformed);        // empty frame
  }
  {
    // After an error the reassembler starts clean: the next well-formed frame goes through.
    Reassembler r;
    EXPECT_EQ(error_of(r, next_chunk(10, false)), Errc::malformed);
    auto out = r.accept(start_chunk(3, 3, false));
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE(*out);
    EXPECT_EQ(**out, pattern(3));
  }
}

TEST(FrameChunks, AMissingLastChunkLeavesTheFrameOpen) {
  auto chunks = split_frame(pattern(200'000));
  ASSERT_TRUE(chunks.ok());
  Reassembler r;
  for (std::size_t i = 0; i + 1 < chunks->size(); ++i) {
    auto out = r.accept((*chunks)[i]);
    ASSERT_TRUE(out.ok());
    EXPECT_FALSE(*out);
  }
  EXPECT_FALSE(r.idle());
}

TEST(FrameChunks, SplitterWritesSplitFramesChunksIntoOneBuffer) {
  core::Bytes chunk;
  for (std::size_t size :
       {std::size_t{1}, std::size_t{1024}, kMaxChunkSize - kStartChunkHeaderSize,
        kMaxChunkSize - kStartChunkHeaderSize + 1, std::size_t{64 * 1024}, kMaxFrameSize}) {
    const core::Bytes frame = pattern(size, 9);
    auto splitter = FrameSplitter::create(frame);
    ASSERT_TRUE(splitter.ok());
    std::vector<core::Bytes> written;
    while (!splitter->done()) {
      splitter->next(chunk);
      written.push_back(chunk);
    }
    EXPECT_EQ(written, split_frame(frame).value()) << size;
  }
  EXPECT_EQ(FrameSplitter::create({}).code(), Errc::malformed);
  EXPECT_EQ(FrameSplitter::create(core::Bytes(kMaxFrameSize + 1)).code(), Errc::limit_exceeded);
}

TEST(FrameChunks, AcceptViewOfOneChunkIsTheChunkItself) {
  Reassembler r;
  const core::Bytes chunk = split_frame(pattern(1024)).value().front();
  auto out = r.accept_view(chunk);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(*out);
  EXPECT_EQ((*out)->data(), chunk.data() + kStartChunkHeaderSize);  // not copied
  EXPECT_EQ(core::to_bytes(**out), pattern(1024));
  EXPECT_TRUE(r.idle());
}

// accept_view is accept without the copy: on any chunk sequence (frames of every size class, with
// one chunk replaced, dropped or duplicated) both give the same frames and the same errors.
RC_GTEST_PROP(FrameChunks, AcceptViewAgreesWithAccept, ()) {
  std::vector<core::Bytes> chunks;
  const auto frames = *rc::gen::inRange<std::size_t>(1, 5);
  for (std::size_t i = 0; i < frames; ++i) {
    const auto size =
        *rc::gen::weightedOneOf<std::size_t>({{8, rc::gen::inRange<std::size_t>(1, 2000)},
                                              {4, rc::gen::inRange<std::size_t>(60'000, 140'000)},
                                              {1, rc::gen::just(kMaxFrameSize)}});
    auto split = split_frame(pattern(size, static_cast<std::uint8_t>(i)));
    for (auto& c : *split) chunks.push_back(std::move(c));
  }
  {
    const auto at = *rc::gen::inRange<std::size_t>(0, chunks.size());
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        chunks[at] = *rc::gen::container<core::Bytes>(rc::gen::arbitrary<std::uint8_t>());
        break;
      case 1:
        chunks.erase(chunks.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 2:
        chunks.insert(chunks.begin() + static_cast<std::ptrdiff_t>(at), chunks[at]);
        break;
      default:
        break;
    }
  }
  Reassembler owning, viewing;
  for (const auto& chunk : chunks) {
    auto a = owning.accept(chunk);
    auto b = viewing.accept_view(chunk);
    RC_ASSERT(a.ok() == b.ok());
    RC_ASSERT(owning.idle() == viewing.idle());
    if (!a.ok()) {
      RC_ASSERT(a.code() == b.code());
      continue;
    }
    RC_ASSERT(a->has_value() == b->has_value());
    if (*a) RC_ASSERT(**a == core::to_bytes(**b));
  }
}

RC_GTEST_PROP(FrameChunks, AnySizeUpToTheLimitRoundTrips, ()) {
  const auto size = *rc::gen::inRange<std::size_t>(1, kMaxFrameSize + 1);
  const auto seed = *rc::gen::arbitrary<std::uint8_t>();
  const core::Bytes frame = pattern(size, seed);
  auto chunks = split_frame(frame);
  RC_ASSERT(chunks.ok());
  for (const auto& c : *chunks) RC_ASSERT(c.size() <= kMaxChunkSize);
  auto back = reassemble(*chunks);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == frame);
}

}  // namespace
}  // namespace parley::transport
