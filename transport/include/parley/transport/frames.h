// Client-server frames (spec §6.9, spec/wire/frames.capnp) without Cap'n Proto in the interface:
// code that only moves, counts or routes frames includes this header; code that reads or builds
// their fields includes frames_capnp.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::transport {

// The version every frame carries in `protocolVersion` (frames.capnp: frameProtocolVersion).
inline constexpr std::uint16_t kFrameProtocolVersion = 1;

// A frame whose bytes were checked once (single segment, bounded walk, no capabilities, known
// version and frame kind). It owns an aligned copy of the bytes, so its readers stay valid for as
// long as it lives, whatever happens to the buffer it was decoded from.
class DecodedFrame {
 public:
  // `limit_exceeded` above kMaxFrameSize, `unsupported_version` for another protocolVersion,
  // `unsupported` for a frame kind this build does not know, `malformed` for anything else wrong.
  static core::Result<DecodedFrame> decode(core::BytesView bytes);

  // A moved-from frame may only be assigned to or destroyed.
  DecodedFrame(DecodedFrame&&) noexcept;
  DecodedFrame& operator=(DecodedFrame&&) noexcept;
  ~DecodedFrame();

  std::uint32_t request_id() const { return request_id_; }
  // Frames.capnp's union discriminant (wire::Frame::Body::Which), so that pure code can route.
  std::uint16_t kind() const { return kind_; }
  // The size of the frame as received, for accounting.
  std::size_t size() const { return size_; }

 private:
  struct Impl;
  explicit DecodedFrame(std::unique_ptr<Impl> impl);
  friend struct FrameAccess;  // frames_capnp.h

  std::unique_ptr<Impl> impl_;
  std::uint32_t request_id_ = 0;
  std::uint16_t kind_ = 0;
  std::size_t size_ = 0;
};

}  // namespace parley::transport
