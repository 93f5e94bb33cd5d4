// HandshakeState (rev 34 §5.3) for the patterns of pattern.h, DH 25519, plus the Noise Pipes
// switch from IK to XXfallback (§10). spec §6.5-6.7.
//
// A value type with commit-on-success: a write or read that fails leaves every key and hash as it
// was. A failed read is still fatal, as the spec requires: the state is marked failed and refuses
// further reads and writes; the one way on is fallback() (Noise Pipes).
#pragma once

#include <cstddef>
#include <optional>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/noise/cipher_state.h"
#include "parley/transport/noise/protocol.h"
#include "parley/transport/noise/symmetric_state.h"

namespace parley::transport::noise {

enum class Role { initiator, responder };

struct HandshakeConfig {
  Protocol protocol;
  Role role = Role::initiator;
  core::Bytes prologue;
  std::optional<crypto::X25519KeyPair> local_static;
  // Only for a pre-message e (the XXfallback responder reuses its IK ephemeral); otherwise each
  // e token draws a fresh key from the Entropy given to write_message.
  std::optional<crypto::X25519KeyPair> local_ephemeral;
  std::optional<crypto::X25519PublicKey> remote_static;     // pre-message s (IK initiator)
  std::optional<crypto::X25519PublicKey> remote_ephemeral;  // pre-message e (XXfallback initiator)
};

// Split()'s pair seen from one side: c1/c2 assigned by role.
struct TransportCiphers {
  CipherState send;
  CipherState receive;
};

class HandshakeState {
 public:
  // Initialize(): the pre-messages' keys must be present (`malformed` names the missing one), as
  // must the local static key when the pattern sends one.
  static core::Result<HandshakeState> initialize(const HandshakeConfig& config);

  // Out of turn, after the end or after a failure: `malformed`. A message that would exceed 65535
  // bytes: `limit_exceeded`.
  core::Result<core::Bytes> write_message(core::BytesView payload, crypto::Entropy& entropy);
  // Returns the payload. A bad tag is `decrypt_failed`, a small-order key `bad_key`, a short
  // message `malformed`, a long one `limit_exceeded`; each marks the state failed.
  core::Result<core::Bytes> read_message(core::BytesView message);

  bool is_my_turn() const;
  bool is_finished() const;
  bool is_failed() const { return failed_; }
  Role role() const { return role_; }
  const Protocol& protocol() const { return protocol_; }
  // h; final once is_finished() (the channel binding value of §11.2).
  const core::Bytes& handshake_hash() const { return symmetric_.handshake_hash(); }
  const std::optional<crypto::X25519PublicKey>& remote_static() const { return rs_; }

  // Only once finished, else `malformed`.
  core::Result<TransportCiphers> split() const;

  // Noise Pipes (§10.2): from an IK state to the XXfallback state with the roles reversed. The IK
  // initiator (Alice) keeps her static and her ephemeral, which becomes her pre-message; the IK
  // responder (Bob) takes Alice's ephemeral from the first 32 bytes of the IK message he could
  // not read. Not an IK state, or Bob's message shorter than 32 bytes: `malformed`.
  core::Result<HandshakeState> fallback(core::BytesView ik_first_message) const;

  friend bool operator==(const HandshakeState&, const HandshakeState&) = default;

 private:
  explicit HandshakeState(const HandshakeConfig& config);
  core::Result<void> check_can_proceed(bool writing) const;
  core::Result<void> mix_dh(Token token);

  Protocol protocol_;
  Role role_;
  core::Bytes prologue_;
  SymmetricState symmetric_;
  std::optional<crypto::X25519KeyPair> s_;
  std::optional<crypto::X25519KeyPair> e_;
  std::optional<crypto::X25519PublicKey> rs_;
  std::optional<crypto::X25519PublicKey> re_;
  std::size_t message_index_ = 0;
  bool failed_ = false;
};

}  // namespace parley::transport::noise
