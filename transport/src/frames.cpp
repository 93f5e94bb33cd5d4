#include "parley/transport/frames.h"

#include <cstring>
#include <string>

#include "flat_message.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/limits.h"

namespace parley::transport {

using core::Errc;

// Heap-allocated so that the segment table below keeps pointing at `words` when the frame moves.
struct DecodedFrame::Impl {
  explicit Impl(std::size_t size) : words(size), segment_words(size) { segments[0] = words.ptr(); }
  flat_message::Words words;
  std::size_t segment_words;
  kj::ArrayPtr<const capnp::word> segments[1];
};

DecodedFrame::DecodedFrame(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DecodedFrame::DecodedFrame(DecodedFrame&&) noexcept = default;
DecodedFrame& DecodedFrame::operator=(DecodedFrame&&) noexcept = default;
DecodedFrame::~DecodedFrame() = default;

core::Result<DecodedFrame> DecodedFrame::decode(core::BytesView bytes) {
  if (bytes.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(bytes.size()) + " bytes");
  PARLEY_TRY(const std::size_t size, flat_message::check_single_segment(bytes));
  auto impl = std::make_unique<Impl>(size);
  std::memcpy(impl->words.ptr().begin(), bytes.data() + flat_message::kSegmentTableSize,
              size * sizeof(capnp::word));
  DecodedFrame frame(std::move(impl));
  frame.size_ = bytes.size();
  try {
    // The whole-message walk gets its own reader (and budget), so that read_frame's reader has
    // the full budget for the caller's one conversion.
    capnp::SegmentArrayMessageReader reader(FrameAccess::segments(frame), FrameAccess::options(frame));
    if (!flat_message::walk_whole_message(reader))
      return core::make_error(Errc::malformed, "capability pointer");
    const auto root = reader.getRoot<wire::Frame>();
    if (root.getProtocolVersion() != kFrameProtocolVersion)
      return core::make_error(Errc::unsupported_version,
                              "frame protocol version " + std::to_string(root.getProtocolVersion()));
    const auto kind = root.getBody().which();
    // A discriminant past the last member this build knows is a frame kind added later.
    if (static_cast<std::uint16_t>(kind) > static_cast<std::uint16_t>(wire::Frame::Body::RETRY_REQUEST))
      return core::make_error(Errc::unsupported, "frame kind " + std::to_string(static_cast<int>(kind)));
    frame.kind_ = static_cast<std::uint16_t>(kind);
    frame.request_id_ = root.getRequestId();
  } catch (const kj::Exception& e) {
    return flat_message::malformed(e);
  }
  return frame;
}

kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> FrameAccess::segments(const DecodedFrame& frame) {
  return kj::arrayPtr(frame.impl_->segments, 1);
}

capnp::ReaderOptions FrameAccess::options(const DecodedFrame& frame) {
  return flat_message::reader_options(frame.impl_->segment_words);
}

core::Error FrameAccess::malformed(const kj::Exception& e) { return flat_message::malformed(e); }

core::Result<core::Bytes> encode_frame(capnp::MessageBuilder& builder) {
  core::Bytes out;
  flat_message::append_single_segment(out, builder);
  if (out.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(out.size()) + " bytes");
  return out;
}

}  // namespace parley::transport
