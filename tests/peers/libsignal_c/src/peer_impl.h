// The inside of LibsignalCPeer, shared by its pairwise part (libsignal_c_peer.cpp) and its group
// part (libsignal_c_group.cpp): the library's context, the stores, and holders that release every
// reference-counted object the library hands out.
#pragma once

#include <botan/chacha_rng.h>
#include <botan/hash.h>
#include <botan/system_rng.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <signal_protocol.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "botan_crypto_provider.h"
#include "memory_stores.h"
#include "parley/crypto/x25519.h"
#include "parley/testing/libsignal_c_peer.h"

namespace parley::testing {
namespace libsignal_c {

using core::Errc;

template <typename T>
struct Unref {
  void operator()(T* p) const { signal_type_unref(reinterpret_cast<signal_type_base*>(p)); }
};
template <typename T>
using Ref = std::unique_ptr<T, Unref<T>>;

struct BufferFree {
  void operator()(signal_buffer* b) const { signal_buffer_bzero_free(b); }
};
using Buffer = std::unique_ptr<signal_buffer, BufferFree>;

struct BuilderFree {
  void operator()(session_builder* b) const { session_builder_free(b); }
};

// The one remote device a peer talks to; the name is the peer's own business.
inline constexpr char kRemoteName[] = "remote";
inline constexpr std::int32_t kRemoteDeviceId = 1;
inline constexpr std::uint32_t kSignedPreKeyId = 1;
inline constexpr std::int32_t kOwnDeviceId = 1;

// libsignal's error codes as Parley's (spec §2.3). A bad MAC and an undecodable message are both
// `decrypt_failed`, as Parley reports them.
inline core::Error error_of(int code, const char* what) {
  const std::string detail = std::string("libsignal-protocol-c ") + what + ": " + std::to_string(code);
  switch (code) {
    case SG_ERR_DUPLICATE_MESSAGE:
      return core::make_error(Errc::duplicate_message, detail);
    case SG_ERR_INVALID_MAC:
    case SG_ERR_INVALID_MESSAGE:
      return core::make_error(Errc::decrypt_failed, detail);
    case SG_ERR_INVALID_KEY:
      return core::make_error(Errc::bad_key, detail);
    case SG_ERR_INVALID_KEY_ID:
      return core::make_error(Errc::unknown_prekey, detail);
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
      return core::make_error(Errc::unsupported_version, detail);
    case SG_ERR_NO_SESSION:
      return core::make_error(Errc::no_session, detail);
    case SG_ERR_UNTRUSTED_IDENTITY:
      return core::make_error(Errc::untrusted_identity, detail);
    case SG_ERR_INVALID_PROTO_BUF:
      return core::make_error(Errc::malformed, detail);
    default:
      return core::make_error(Errc::internal, detail);
  }
}

// Set-up failures cannot be reported through a constructor's result: they throw, and a test that
// constructs a peer fails with the library's code.
inline void require(int code, const char* what) {
  if (code < 0) throw std::runtime_error(core::to_string(error_of(code, what)));
}

inline core::Bytes bytes_of(const signal_buffer* b) {
  const std::uint8_t* data = signal_buffer_const_data(b);
  return core::Bytes(data, data + signal_buffer_len(b));
}

inline protocol::X25519PublicKey public_of(const ec_public_key* key) {
  signal_buffer* raw = nullptr;
  require(ec_public_key_serialize(&raw, key), "ec_public_key_serialize");
  const Buffer serialized(raw);
  auto parsed = crypto::parse_public_key(bytes_of(serialized.get()));  // 0x05 || key, checked
  if (!parsed)
    throw std::runtime_error("libsignal-protocol-c gave an unexpected public key: " + parsed.error().detail);
  return *parsed;
}

inline std::unique_ptr<Botan::RandomNumberGenerator> make_rng(std::optional<std::uint64_t> seed) {
  if (!seed) return std::make_unique<Botan::System_RNG>();
  // A label keeps these streams apart from any other use of the same small seed.
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update("parley libsignal-c peer");
  for (int i = 0; i < 8; ++i) hash->update(static_cast<std::uint8_t>(*seed >> (8 * i)));
  return std::make_unique<Botan::ChaCha_RNG>(hash->final());
}

}  // namespace libsignal_c

using namespace libsignal_c;

struct LibsignalCPeer::Impl {
  std::unique_ptr<Botan::RandomNumberGenerator> rng;
  // The library calls lock/unlock around its store accesses and may nest them.
  std::recursive_mutex mutex;
  libsignal_c::MemoryStores stores;
  signal_context* context = nullptr;
  signal_protocol_store_context* store = nullptr;
  // The builder and cipher keep a pointer to the address: it lives as long as they do.
  signal_protocol_address remote{kRemoteName, sizeof(kRemoteName) - 1, kRemoteDeviceId};
  session_cipher* cipher = nullptr;

  // The public half of what bundle() hands out.
  protocol::X25519PublicKey identity_public{};
  protocol::X25519PublicKey signed_prekey_public{};
  crypto::Signature signed_prekey_signature{};
  std::uint32_t one_time_prekey_id = 0;
  protocol::X25519PublicKey one_time_prekey_public{};
  std::uint32_t next_one_time_prekey_id = 1;

  explicit Impl(std::optional<std::uint64_t> seed) : rng(make_rng(seed)) {
    require(signal_context_create(&context, this), "signal_context_create");
    const signal_crypto_provider provider = libsignal_c::make_botan_crypto_provider(*rng);
    require(signal_context_set_crypto_provider(context, &provider), "signal_context_set_crypto_provider");
    require(signal_context_set_locking_functions(
                context, [](void* self) { static_cast<Impl*>(self)->mutex.lock(); },
                [](void* self) { static_cast<Impl*>(self)->mutex.unlock(); }),
            "signal_context_set_locking_functions");
    require(signal_protocol_store_context_create(&store, context), "signal_protocol_store_context_create");
    require(stores.install(store), "store installation");

    ratchet_identity_key_pair* raw_identity = nullptr;
    require(signal_protocol_key_helper_generate_identity_key_pair(&raw_identity, context),
            "generate_identity_key_pair");
    const Ref<ratchet_identity_key_pair> identity(raw_identity);
    {
      signal_buffer* raw = nullptr;
      require(ec_public_key_serialize(&raw, ratchet_identity_key_pair_get_public(identity.get())),
              "ec_public_key_serialize");
      const Buffer public_data(raw);
      stores.identity_public = bytes_of(public_data.get());
      require(ec_private_key_serialize(&raw, ratchet_identity_key_pair_get_private(identity.get())),
              "ec_private_key_serialize");
      const Buffer private_data(raw);
      const auto* data = signal_buffer_const_data(private_data.get());
      stores.identity_private.assign(data, data + signal_buffer_len(private_data.get()));
    }
    identity_public = public_of(ratchet_identity_key_pair_get_public(identity.get()));
    require(signal_protocol_key_helper_generate_registration_id(&stores.registration_id, 0, context),
            "generate_registration_id");

    session_signed_pre_key* raw_signed = nullptr;
    // Timestamp 0: the library only records it, and a fixed value keeps seeded runs identical.
    require(signal_protocol_key_helper_generate_signed_pre_key(&raw_signed, identity.get(), kSignedPreKeyId,
                                                               0, context),
            "generate_signed_pre_key");
    const Ref<session_signed_pre_key> signed_prekey(raw_signed);
    require(signal_protocol_signed_pre_key_store_key(store, signed_prekey.get()), "store signed prekey");
    signed_prekey_public =
        public_of(ec_key_pair_get_public(session_signed_pre_key_get_key_pair(signed_prekey.get())));
    if (session_signed_pre_key_get_signature_len(signed_prekey.get()) != signed_prekey_signature.size())
      throw std::runtime_error("libsignal-protocol-c made a signature that is not 64 bytes");
    std::copy_n(session_signed_pre_key_get_signature(signed_prekey.get()), signed_prekey_signature.size(),
                signed_prekey_signature.begin());

    new_one_time_prekey();
    require(session_cipher_create(&cipher, store, &remote, context), "session_cipher_create");
  }

  ~Impl() {
    if (cipher != nullptr) session_cipher_free(cipher);
    if (store != nullptr) signal_protocol_store_context_destroy(store);
    if (context != nullptr) signal_context_destroy(context);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void new_one_time_prekey() {
    if (one_time_prekey_id != 0) stores.pre_keys.erase(one_time_prekey_id);
    signal_protocol_key_helper_pre_key_list_node* raw_list = nullptr;
    require(signal_protocol_key_helper_generate_pre_keys(&raw_list, next_one_time_prekey_id, 1, context),
            "generate_pre_keys");
    const std::unique_ptr<signal_protocol_key_helper_pre_key_list_node,
                          decltype(&signal_protocol_key_helper_key_list_free)>
        list(raw_list, &signal_protocol_key_helper_key_list_free);
    session_pre_key* key = signal_protocol_key_helper_key_list_element(list.get());
    require(signal_protocol_pre_key_store_key(store, key), "store prekey");
    one_time_prekey_id = session_pre_key_get_id(key);
    one_time_prekey_public = public_of(ec_key_pair_get_public(session_pre_key_get_key_pair(key)));
    ++next_one_time_prekey_id;
  }

  core::Result<Ref<ec_public_key>> decode(const protocol::X25519PublicKey& key) const {
    const core::Bytes serialized = crypto::serialize_public_key(key);
    ec_public_key* raw = nullptr;
    const int result = curve_decode_point(&raw, serialized.data(), serialized.size(), context);
    if (result < 0) return error_of(result, "curve_decode_point");
    return Ref<ec_public_key>(raw);
  }
};

}  // namespace parley::testing
