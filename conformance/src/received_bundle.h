// The prekey bundle as the initiator receives it, field by field as the x3dh kind `refused-bundle`
// writes it (spec/test-vectors.md §3.11): public keys in their 33-byte serialized form and the
// one-time prekey's id and key each optional on its own, so that a bundle the protocol must refuse
// (an id without its key, a key of the wrong type, a signature that does not verify) can be
// written down. Shared by the x3dh generator and verifier.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/protocol/keys.h"

namespace parley::conformance::detail {

struct ReceivedBundle {
  std::uint32_t registration_id = 0;
  core::Bytes identity_key;  // serialized, normally 0x05 || u
  std::uint32_t signed_prekey_id = 0;
  core::Bytes signed_prekey;
  crypto::Signature signed_prekey_signature{};
  std::optional<std::uint32_t> one_time_prekey_id;
  std::optional<core::Bytes> one_time_prekey;

  static ReceivedBundle from(const protocol::PreKeyBundle& bundle);

  // The bundle the protocol sees: each key parsed as protocol §3.1 says (`bad_key` for a wrong
  // length or type byte). What it then refuses is for protocol::start_session to say.
  core::Result<protocol::PreKeyBundle> parse() const;

  // Fields bob_registration_id, bob_identity_public, bob_signed_prekey_id, bob_signed_prekey_public,
  // bob_signed_prekey_signature (64 bytes), bob_one_time_prekey_id, bob_one_time_prekey_public.
  static core::Result<ReceivedBundle> read(const Case& c);
  void write(nlohmann::ordered_json& out) const;
};

}  // namespace parley::conformance::detail
