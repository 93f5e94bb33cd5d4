// Channel chunks (spec §6.9): a frame round trips at the sizes the spec names and at any size up to
// the limit; every hostile chunk sequence gets its typed error. Limits are tested at N and N+1.
#include "parley/transport/channel/chunks.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace parley::transport::channel {
namespace {

using core::Errc;

core::Bytes pattern(std::size_t size, std::uint8_t seed = 1) {
  core::Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 31 + (i >> 8));
  return b;
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
}  // namespace parley::transport::channel
