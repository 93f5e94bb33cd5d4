// SymmetricState (rev 34 §5.2): the chaining key ck, the handshake hash h and a CipherState.
// spec §6.2.
#pragma once

#include <string_view>
#include <utility>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/core/secret_bytes.h"
#include "parley/transport/noise/cipher_state.h"
#include "parley/transport/noise/protocol.h"

namespace parley::transport::noise {

class SymmetricState {
 public:
  // InitializeSymmetric(protocol.name()).
  explicit SymmetricState(const Protocol& protocol);

  void mix_key(core::BytesView input_key_material);
  void mix_hash(core::BytesView data);
  void mix_key_and_hash(core::BytesView input_key_material);  // for psk modes; kept for completeness
  const core::Bytes& handshake_hash() const { return h_; }
  bool has_key() const { return cipher_.has_key(); }

  core::Result<core::Bytes> encrypt_and_hash(core::BytesView plaintext);
  core::Result<core::Bytes> decrypt_and_hash(core::BytesView ciphertext);

  // (c1, c2): c1 encrypts initiator -> responder, c2 responder -> initiator.
  std::pair<CipherState, CipherState> split() const;

  friend bool operator==(const SymmetricState&, const SymmetricState&) = default;

 private:
  Protocol protocol_;
  core::SecretBytes ck_;
  core::Bytes h_;
  CipherState cipher_;
};

}  // namespace parley::transport::noise
