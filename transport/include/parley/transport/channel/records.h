// How Noise messages are delimited on the socket (spec §6.8): handshake records carry the pattern
// the message belongs to, transport records only a length. Pure byte handling, no Noise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::transport::channel {

// The pattern a handshake message belongs to. The kind is what lets a client that sent IK tell
// the server's IK reply from an XXfallback message (Noise Pipes leaves this to the application).
enum class RecordKind : std::uint8_t { xx = 1, ik = 2, xx_fallback = 3 };

struct HandshakeRecord {
  RecordKind kind;
  core::BytesView message;  // valid until the reader's next append() or compact()
};

// Append a record to `out`. A message over kMaxRecordLength is `limit_exceeded` (Noise never
// produces one, so this only guards against misuse) and `out` is unchanged.
core::Result<void> append_handshake_record(core::Bytes& out, RecordKind kind, core::BytesView message);
core::Result<void> append_transport_record(core::Bytes& out, core::BytesView message);

// Cuts the bytes of one connection into records. Records that arrive whole within one append()
// are read in place from the caller's bytes; only a record split across appends is copied, into a
// buffer that holds less than one record between calls and nothing once compact() finds every
// byte consumed, so an idle connection costs no buffer. The caller's bytes must stay valid until
// compact(), which every append() must be followed by.
class RecordReader {
 public:
  void append(core::BytesView bytes);

  // The next `n` bytes, or nullopt until they have arrived.
  std::optional<core::BytesView> take(std::size_t n);
  // nullopt until the whole record has arrived. `malformed`: an unknown kind, or a length too
  // short for any message of the kind (a handshake message has at least an ephemeral key, a
  // transport message at least a tag).
  core::Result<std::optional<HandshakeRecord>> take_handshake_record();
  core::Result<std::optional<core::BytesView>> take_transport_record();

  // Drops consumed bytes and keeps (copies) what is left of the appended bytes; frees the buffer
  // when nothing is left.
  void compact();
  std::size_t buffered() const { return buffer_.size() - offset_ + input_.size(); }

 private:
  // The next `n` bytes without consuming them; moves bytes from input_ into buffer_ only when a
  // record straddles the two.
  std::optional<core::BytesView> peek(std::size_t n);

  core::Bytes buffer_;      // a record begun in an earlier append()
  std::size_t offset_ = 0;  // consumed bytes of buffer_
  core::BytesView input_;   // the unconsumed part of the current append()
};

}  // namespace parley::transport::channel
