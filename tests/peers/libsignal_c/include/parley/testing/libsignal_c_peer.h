// A libsignal-protocol-c 2.3.3 device (Debian's libsignal-protocol-c-dev) behind a small C++ class, so
// interop tests and benchmarks can run Parley against an independent implementation of the same
// protocol (spec §5.6). Test-only: no Parley library links libsignal-protocol-c, and no libsignal
// type appears here.
//
// The peer talks to exactly one remote device. Keys (identity, registration id, signed prekey, one
// one-time prekey) are made by libsignal-protocol-c's own key_helper functions; with a seed, every
// random byte the library draws (keys, signatures, ratchet keys) comes from a seeded DRBG, so a
// run replays exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/keys.h"
#include "parley/protocol/session.h"

namespace parley::testing {

class LibsignalCPeer {
 public:
  // Deterministic: the library's randomness is a ChaCha DRBG keyed from `seed`.
  explicit LibsignalCPeer(std::uint64_t seed);
  // The system RNG, as a real client would use it.
  LibsignalCPeer();
  ~LibsignalCPeer();
  // The library keeps pointers into the peer (stores, address): it stays where it was made.
  LibsignalCPeer(const LibsignalCPeer&) = delete;
  LibsignalCPeer& operator=(const LibsignalCPeer&) = delete;

  // What a server would hand out for this device. The one-time prekey is left out when asked, or
  // once a prekey message consumed it (until refresh_one_time_prekey()).
  protocol::PreKeyBundle bundle(bool with_one_time_prekey = true) const;
  bool has_one_time_prekey() const;
  // Generates the next one-time prekey (a fresh id), replacing any unconsumed one in bundle().
  void refresh_one_time_prekey();
  std::uint32_t registration_id() const;

  // Processes the remote device's bundle (signature checked by the library): a new session, the
  // previous one archived as libsignal does.
  core::Result<void> start_session(const protocol::PreKeyBundle& bundle);

  // PreKeySignalMessage until the first reply arrived, then SignalMessage, as libsignal decides.
  // The plaintext goes in as is: libsignal-protocol-c leaves padding to the caller.
  core::Result<protocol::OutgoingMessage> encrypt(core::BytesView plaintext);
  core::Result<core::Bytes> decrypt(protocol::MessageType type, core::BytesView wire);
  core::Result<core::Bytes> decrypt(const protocol::OutgoingMessage& message) {
    return decrypt(message.type, message.wire);
  }

  bool has_session() const;
  // Forgets the session with the remote device (a benchmark times set-up repeatedly).
  void reset_session();
  // Bytes of session_record_serialize for the session with the remote device (current and
  // archived states, skipped message keys included); 0 without one.
  std::size_t session_state_size() const;

  // --- Sender keys (spec §11.1), in the library's older layout (no distribution id) -------------
  // One group, with two senders: this peer ("local") and the remote device. The library names a
  // sender key by (group id, sender address), outside its messages.
  //
  // This peer's own sender key: the distribution message for it (made on first use; then the same
  // key at its current iteration, as the library does).
  core::Result<core::Bytes> group_distribution();
  // A sender-key message from this peer to the group; `no_session` before group_distribution().
  core::Result<core::Bytes> group_encrypt(core::BytesView plaintext);
  // The remote device's distribution message, and its messages.
  core::Result<void> group_process_distribution(core::BytesView wire);
  core::Result<core::Bytes> group_decrypt(core::BytesView wire);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::testing
