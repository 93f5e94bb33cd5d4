// The established half of a Parley channel (spec §6.8): frames in, transport records out, and
// back. Owns the two CipherStates of Split(), the rekey schedule and the frame reassembly.
//
// Errors are fatal to the connection: TCP delivers in order, so a record that does not decrypt
// was tampered with, and with implicit nonces there is no way to resynchronize. The channel does
// not undo a half-sent frame; the connection closes instead.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/records.h"
#include "parley/transport/channel/chunks.h"
#include "parley/transport/noise/handshake_state.h"

namespace parley::transport::channel {

class SecureChannel {
 public:
  SecureChannel(noise::TransportCiphers ciphers, std::uint64_t rekey_interval);

  // Appends the transport records of `frame` (one per chunk, spec §6.9) to `out`.
  // `limit_exceeded` for a frame over kMaxFrameSize or a spent nonce; `malformed` for an empty frame.
  core::Result<void> seal_frame(core::BytesView frame, core::Bytes& out);

  // Reads every complete transport record buffered in `reader` and appends each completed frame
  // to `frames`. `decrypt_failed` for a forged record; the chunk errors of Reassembler.
  core::Result<void> open_records(RecordReader& reader, std::vector<core::Bytes>& frames);

  // No partial frame is buffered: a connection closing now loses nothing it was sent whole.
  bool idle() const { return reassembler_.idle(); }
  // Frees the reassembly buffer kept between frames; for a connection that has gone quiet.
  void release_buffers() { reassembler_.release(); }

  // Tests move a nonce forward to reach exhaustion; set_nonce only moves forward, so this cannot
  // make the channel reuse a nonce.
  noise::CipherState& send_cipher_for_testing() { return ciphers_.send; }
  noise::CipherState& receive_cipher_for_testing() { return ciphers_.receive; }

 private:

  noise::TransportCiphers ciphers_;
  std::uint64_t rekey_interval_;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  Reassembler reassembler_;
};

}  // namespace parley::transport::channel
