// The five stores libsignal-protocol-c asks its user for, held in memory. Records are kept exactly
// as the library serialized them, so their sizes are what a real client would persist.
#pragma once

#include <botan/secmem.h>
#include <signal_protocol.h>

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "parley/core/bytes.h"

namespace parley::testing::libsignal_c {

struct MemoryStores {
  struct Address {
    std::string name;
    std::int32_t device_id = 0;
    friend auto operator<=>(const Address&, const Address&) = default;
  };
  struct Session {
    core::Bytes record;
    std::optional<core::Bytes> user_record;
  };

  // Prekey records hold private keys: zeroized when dropped.
  using SecretRecord = Botan::secure_vector<std::uint8_t>;

  std::map<Address, Session> sessions;
  std::map<std::uint32_t, SecretRecord> pre_keys;
  std::map<std::uint32_t, SecretRecord> signed_pre_keys;
  core::Bytes identity_public;    // ec_public_key_serialize: 0x05 || key
  SecretRecord identity_private;  // ec_private_key_serialize
  std::uint32_t registration_id = 0;
  // Trust on every use: an interop peer accepts whichever identity it is shown, and remembers the
  // last one as the library asks it to.
  std::map<Address, core::Bytes> identities;

  // Sender-key records by (group id, sender address), as the group cipher stores them; our own holds
  // its signing private key, so all are zeroized when dropped.
  struct SenderKeyName {
    std::string group;
    Address sender;
    friend auto operator<=>(const SenderKeyName&, const SenderKeyName&) = default;
  };
  std::map<SenderKeyName, SecretRecord> sender_keys;

  // Points the session, prekey, signed prekey, identity and sender-key stores of `context` at
  // *this, which must outlive the context. Returns a libsignal error code.
  int install(signal_protocol_store_context* context);
};

}  // namespace parley::testing::libsignal_c
