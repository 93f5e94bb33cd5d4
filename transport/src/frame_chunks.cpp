#include "parley/transport/frame_chunks.h"

#include <algorithm>
#include <string>

#include "parley/transport/limits.h"

namespace parley::transport {

using core::Errc;

namespace {

constexpr std::uint8_t kKnownFlags = kChunkStart | kChunkMore;

static_assert(kMaxFrameSize <= UINT32_MAX, "the first chunk declares the frame length in 32 bits");

}  // namespace

core::Result<std::vector<core::Bytes>> split_frame(core::BytesView frame) {
  if (frame.empty()) return core::make_error(Errc::malformed, "empty frame");
  if (frame.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(frame.size()) + " bytes");
  std::vector<core::Bytes> chunks;
  std::size_t offset = 0;
  while (offset < frame.size()) {
    const bool start = offset == 0;
    const std::size_t header = start ? kStartChunkHeaderSize : kChunkFlagsSize;
    const std::size_t take = std::min(kMaxChunkSize - header, frame.size() - offset);
    const bool more = offset + take < frame.size();
    core::Bytes chunk;
    chunk.reserve(header + take);
    chunk.push_back(static_cast<std::uint8_t>((start ? kChunkStart : 0) | (more ? kChunkMore : 0)));
    if (start) {
      const auto length = static_cast<std::uint32_t>(frame.size());
      for (std::size_t i = 0; i < kChunkLengthSize; ++i)
        chunk.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
    }
    core::append(chunk, frame.subspan(offset, take));
    chunks.push_back(std::move(chunk));
    offset += take;
  }
  return chunks;
}

core::Error Reassembler::fail(Errc code, std::string detail) {
  in_frame_ = false;
  expected_ = 0;
  core::Bytes().swap(buffer_);  // release the partial frame's memory, not just its size
  return core::make_error(code, std::move(detail));
}

core::Result<std::optional<core::Bytes>> Reassembler::accept(core::BytesView chunk) {
  if (chunk.size() > kMaxChunkSize) return fail(Errc::limit_exceeded, "chunk larger than a Noise payload");
  if (chunk.empty()) return fail(Errc::malformed, "empty chunk");
  const std::uint8_t flags = chunk[0];
  if ((flags & ~kKnownFlags) != 0) return fail(Errc::malformed, "unknown chunk flags");
  const bool start = (flags & kChunkStart) != 0;
  const bool more = (flags & kChunkMore) != 0;

  core::BytesView payload = chunk.subspan(kChunkFlagsSize);
  if (start) {
    if (in_frame_) return fail(Errc::malformed, "a frame started inside another");
    if (payload.size() < kChunkLengthSize) return fail(Errc::malformed, "first chunk without a length");
    std::size_t length = 0;
    for (std::size_t i = 0; i < kChunkLengthSize; ++i) length |= std::size_t{payload[i]} << (8 * i);
    if (length == 0) return fail(Errc::malformed, "empty frame");
    if (length > kMaxFrameSize)
      return fail(Errc::limit_exceeded, "declared frame of " + std::to_string(length) + " bytes");
    payload = payload.subspan(kChunkLengthSize);
    in_frame_ = true;
    expected_ = length;
    buffer_.clear();
    buffer_.reserve(length);  // bounded by kMaxFrameSize just above
  } else if (!in_frame_) {
    return fail(Errc::malformed, "continuation without a start");
  }

  // Every chunk moves the frame forward, so a peer cannot keep a reassembly open for free.
  if (payload.empty()) return fail(Errc::malformed, "chunk without frame bytes");
  if (payload.size() > expected_ - buffer_.size())
    return fail(Errc::malformed, "chunk past the declared length");
  core::append(buffer_, payload);
  const bool complete = buffer_.size() == expected_;
  if (more && complete) return fail(Errc::malformed, "more chunks announced after the last byte");
  if (!more && !complete) return fail(Errc::malformed, "frame truncated");
  if (more) return std::optional<core::Bytes>{};

  core::Bytes frame = std::move(buffer_);
  buffer_ = {};
  in_frame_ = false;
  expected_ = 0;
  return std::optional<core::Bytes>{std::move(frame)};
}

}  // namespace parley::transport
