// Channel chunks (spec §6.9): a client-server frame cut into Noise transport payloads, and put
// together again. Pure: no Cap'n Proto, no sockets; the bytes of a frame are opaque here.
//
// Every chunk starts with one flags byte. The first chunk of a frame has kChunkStart and, after
// the flags, the frame's length as a little-endian uint32, so that a receiver knows (and bounds)
// what it must buffer before the rest arrives; every chunk but the last has kChunkMore. Each chunk
// carries at least one byte of the frame and fits one Noise transport payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/noise/limits.h"

namespace parley::transport::channel {

inline constexpr std::uint8_t kChunkStart = 0x01;
inline constexpr std::uint8_t kChunkMore = 0x02;
inline constexpr std::size_t kChunkFlagsSize = 1;
inline constexpr std::size_t kChunkLengthSize = 4;
inline constexpr std::size_t kStartChunkHeaderSize = kChunkFlagsSize + kChunkLengthSize;
// A chunk, header included, is one Noise transport plaintext.
inline constexpr std::size_t kMaxChunkSize = noise::kMaxPlaintextLength;

// A receiver keeps its reassembly buffer between frames up to this capacity (two chunks' worth: a
// 64 KiB frame), so that a steady stream of frames reassembles without an allocation each; a larger
// one, made for a rare large frame (a blob), is released rather than held by an idle connection.
inline constexpr std::size_t kRetainedReassemblySize = 2 * kMaxChunkSize;

// The chunks of one frame, written one at a time into the caller's buffer: a sender that encrypts
// each chunk before it writes the next copies the frame once and allocates nothing per chunk.
class FrameSplitter {
 public:
  // `limit_exceeded` above kMaxFrameSize, `malformed` when empty (a frame is never empty, and an
  // empty chunk would be indistinguishable from a stall). `frame` must outlive the splitter.
  static core::Result<FrameSplitter> create(core::BytesView frame);

  bool done() const { return offset_ == frame_.size(); }
  // Replaces `out` with the next chunk; only while !done().
  void next(core::Bytes& out);

 private:
  explicit FrameSplitter(core::BytesView frame) : frame_(frame) {}

  core::BytesView frame_;
  std::size_t offset_ = 0;
};

// All the chunks of `frame`, in order; errors as FrameSplitter::create.
core::Result<std::vector<core::Bytes>> split_frame(core::BytesView frame);

// Reassembles the chunks of one connection, in order. An error leaves the reassembler idle; the
// connection that produced it should close, since the chunk stream cannot be resynchronized.
class Reassembler {
 public:
  // The whole frame when `chunk` completes one, nullopt when more chunks are needed.
  //   malformed:      a bad header, a continuation without a start, a start inside a frame,
  //                   more bytes than declared, a last chunk short of the declared length
  //   limit_exceeded: a declared length above kMaxFrameSize, a chunk above kMaxChunkSize
  core::Result<std::optional<core::Bytes>> accept(core::BytesView chunk);

  // The same, but the frame comes back as a view, valid until the next call and while `chunk`
  // lives: a frame in one chunk is the chunk's own bytes, uncopied, and a longer one lives in a
  // buffer kept for the next frame (up to kRetainedReassemblySize). For a receiver that decodes
  // each frame (which copies it into aligned words anyway) before it reads the next.
  core::Result<std::optional<core::BytesView>> accept_view(core::BytesView chunk);

  // True between frames: a connection closing now loses no partial frame.
  bool idle() const { return !in_frame_; }
  // Between frames, frees the buffer kept for the next one (an idle connection holds none).
  void release() {
    if (!in_frame_) core::Bytes().swap(buffer_);
  }

 private:
  core::Error fail(core::Errc code, std::string detail);
  // The frame `chunk` completes, if any: a view of `chunk` (a frame in one chunk) or of buffer_.
  core::Result<std::optional<core::BytesView>> consume(core::BytesView chunk);

  bool in_frame_ = false;
  std::size_t expected_ = 0;
  core::Bytes buffer_;  // never holds more than expected_ bytes, reserved once per frame
};

}  // namespace parley::transport::channel
