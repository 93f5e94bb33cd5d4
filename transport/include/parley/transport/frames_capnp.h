// Typed access to client-server frames (spec §6.9) through Cap'n Proto readers and builders.
//
// Reading goes through read_frame, which gives each call a fresh reader with the traversal and
// nesting limits sized to the frame, and turns a kj::Exception into `malformed`: the codec edge
// stays here, so no caller ever sees an exception.
#pragma once

#include <capnp/message.h>
#include <kj/exception.h>

#include <utility>

#include "parley/transport/frames.h"
#include "parley/wire/frames.capnp.h"

namespace parley::transport {

static_assert(kFrameProtocolVersion == wire::FRAME_PROTOCOL_VERSION, "frames.h and frames.capnp disagree");

// The pieces of a DecodedFrame that read_frame needs; defined in frames.cpp.
struct FrameAccess {
  static kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments(const DecodedFrame& frame);
  static capnp::ReaderOptions options(const DecodedFrame& frame);
  static core::Error malformed(const kj::Exception& e);
};

// Returns `read(root)`, a core::Result; a Cap'n Proto exception inside `read` is `malformed`.
template <typename Read>
auto read_frame(const DecodedFrame& frame, Read&& read)
    -> decltype(read(std::declval<wire::Frame::Reader>())) {
  try {
    capnp::SegmentArrayMessageReader reader(FrameAccess::segments(frame), FrameAccess::options(frame));
    return std::forward<Read>(read)(reader.getRoot<wire::Frame>());
  } catch (const kj::Exception& e) {
    return FrameAccess::malformed(e);
  }
}

// The flat single-segment bytes of a frame built in `builder` (whose root is a wire::Frame with
// its protocolVersion set); `limit_exceeded` when they exceed kMaxFrameSize, so that a sender
// learns it before the peer closes the connection.
core::Result<core::Bytes> encode_frame(capnp::MessageBuilder& builder);

// Builds a frame with protocolVersion and requestId set, then `fill(root)`, and encodes it.
// `estimate_words` sizes the first segment; an underestimate costs a copy, never a second segment.
template <typename Fill>
core::Result<core::Bytes> encode_frame(std::uint32_t request_id, std::size_t estimate_words, Fill&& fill) {
  capnp::MallocMessageBuilder builder(static_cast<unsigned>(estimate_words));
  auto root = builder.initRoot<wire::Frame>();
  root.setProtocolVersion(kFrameProtocolVersion);
  root.setRequestId(request_id);
  std::forward<Fill>(fill)(root);
  return encode_frame(builder);
}

}  // namespace parley::transport
