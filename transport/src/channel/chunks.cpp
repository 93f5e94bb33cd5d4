#include "parley/transport/channel/chunks.h"

#include <algorithm>
#include <string>

namespace parley::transport::channel {

using core::Errc;

namespace {

constexpr std::uint8_t kKnownFlags = kChunkStart | kChunkMore;

static_assert(kMaxFrameSize <= UINT32_MAX, "the first chunk declares the frame length in 32 bits");

}  // namespace

core::Result<FrameSplitter> FrameSplitter::create(core::BytesView frame) {
  if (frame.empty()) return core::make_error(Errc::malformed, "empty frame");
  if (frame.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(frame.size()) + " bytes");
  return FrameSplitter(frame);
}

void FrameSplitter::next(core::Bytes& out) {
  const bool start = offset_ == 0;
  const std::size_t header = start ? kStartChunkHeaderSize : kChunkFlagsSize;
  const std::size_t take = std::min(kMaxChunkSize - header, frame_.size() - offset_);
  const bool more = offset_ + take < frame_.size();
  out.clear();
  out.push_back(static_cast<std::uint8_t>((start ? kChunkStart : 0) | (more ? kChunkMore : 0)));
  if (start) {
    const auto length = static_cast<std::uint32_t>(frame_.size());
    for (std::size_t i = 0; i < kChunkLengthSize; ++i)
      out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  }
  core::append(out, frame_.subspan(offset_, take));
  offset_ += take;
}

core::Result<std::vector<core::Bytes>> split_frame(core::BytesView frame) {
  PARLEY_TRY(auto splitter, FrameSplitter::create(frame));
  std::vector<core::Bytes> chunks;
  while (!splitter.done()) splitter.next(chunks.emplace_back());
  return chunks;
}

core::Error Reassembler::fail(Errc code, std::string detail) {
  in_frame_ = false;
  expected_ = 0;
  core::Bytes().swap(buffer_);  // release the partial frame's memory, not just its size
  return core::make_error(code, std::move(detail));
}

core::Result<std::optional<core::BytesView>> Reassembler::consume(core::BytesView chunk) {
  if (chunk.size() > kMaxChunkSize) return fail(Errc::limit_exceeded, "chunk larger than a Noise payload");
  if (chunk.empty()) return fail(Errc::malformed, "empty chunk");
  const std::uint8_t flags = chunk[0];
  if ((flags & ~kKnownFlags) != 0) return fail(Errc::malformed, "unknown chunk flags");
  const bool start = (flags & kChunkStart) != 0;
  const bool more = (flags & kChunkMore) != 0;

  core::BytesView payload = chunk.subspan(kChunkFlagsSize);
  std::size_t buffered = 0;  // frame bytes received before this chunk
  if (start) {
    if (in_frame_) return fail(Errc::malformed, "a frame started inside another");
    if (payload.size() < kChunkLengthSize) return fail(Errc::malformed, "first chunk without a length");
    std::size_t length = 0;
    for (std::size_t i = 0; i < kChunkLengthSize; ++i) length |= std::size_t{payload[i]} << (8 * i);
    if (length == 0) return fail(Errc::malformed, "empty frame");
    if (length > kMaxFrameSize)
      return fail(Errc::limit_exceeded, "declared frame of " + std::to_string(length) + " bytes");
    payload = payload.subspan(kChunkLengthSize);
    expected_ = length;
  } else if (!in_frame_) {
    return fail(Errc::malformed, "continuation without a start");
  } else {
    buffered = buffer_.size();
  }

  // Every chunk moves the frame forward, so a peer cannot keep a reassembly open for free.
  if (payload.empty()) return fail(Errc::malformed, "chunk without frame bytes");
  if (payload.size() > expected_ - buffered) return fail(Errc::malformed, "chunk past the declared length");
  const bool complete = buffered + payload.size() == expected_;
  if (more && complete) return fail(Errc::malformed, "more chunks announced after the last byte");
  if (!more && !complete) return fail(Errc::malformed, "frame truncated");

  if (start && !more) {  // the whole frame in one chunk: nothing to buffer
    expected_ = 0;
    return std::optional<core::BytesView>{payload};
  }
  if (start) {
    in_frame_ = true;
    buffer_.clear();
    buffer_.reserve(expected_);  // bounded by kMaxFrameSize just above
  }
  core::append(buffer_, payload);
  if (more) return std::optional<core::BytesView>{};
  in_frame_ = false;
  expected_ = 0;
  return std::optional<core::BytesView>{core::BytesView(buffer_)};
}

core::Result<std::optional<core::BytesView>> Reassembler::accept_view(core::BytesView chunk) {
  // The previous frame's view dies here, so a buffer too large to keep can go.
  if (!in_frame_ && buffer_.capacity() > kRetainedReassemblySize) core::Bytes().swap(buffer_);
  return consume(chunk);
}

core::Result<std::optional<core::Bytes>> Reassembler::accept(core::BytesView chunk) {
  PARLEY_TRY(const auto frame, consume(chunk));
  if (!frame) return std::optional<core::Bytes>{};
  // A frame of one chunk is a view of the caller's chunk; a longer one is buffer_, handed over.
  if (frame->data() != buffer_.data()) return std::optional<core::Bytes>{core::to_bytes(*frame)};
  core::Bytes out = std::move(buffer_);
  buffer_ = {};
  return std::optional<core::Bytes>{std::move(out)};
}

}  // namespace parley::transport::channel
