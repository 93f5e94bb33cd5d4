// LibsignalCPeer on libsignal-protocol-c 2.3.3. Every object the library hands out is reference
// counted; the Ref/Buffer holders below release each one on every path, so LeakSanitizer sees
// nothing of ours when a test ends.
#include "parley/testing/libsignal_c_peer.h"

#include <botan/chacha_rng.h>
#include <botan/hash.h>
#include <botan/system_rng.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <signal_protocol.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

#include "botan_crypto_provider.h"
#include "memory_stores.h"
#include "parley/crypto/x25519.h"

namespace parley::testing {
namespace {

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
constexpr const char kRemoteName[] = "remote";
constexpr std::int32_t kRemoteDeviceId = 1;
constexpr std::uint32_t kSignedPreKeyId = 1;
constexpr std::int32_t kOwnDeviceId = 1;

// libsignal's error codes as Parley's (spec §2.3). A bad MAC and an undecodable message are both
// `decrypt_failed`, as Parley reports them.
core::Error error_of(int code, const char* what) {
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
void require(int code, const char* what) {
  if (code < 0) throw std::runtime_error(core::to_string(error_of(code, what)));
}

core::Bytes bytes_of(const signal_buffer* b) {
  const std::uint8_t* data = signal_buffer_const_data(b);
  return core::Bytes(data, data + signal_buffer_len(b));
}

protocol::X25519PublicKey public_of(const ec_public_key* key) {
  signal_buffer* raw = nullptr;
  require(ec_public_key_serialize(&raw, key), "ec_public_key_serialize");
  const Buffer serialized(raw);
  auto parsed = crypto::parse_public_key(bytes_of(serialized.get()));  // 0x05 || key, checked
  if (!parsed)
    throw std::runtime_error("libsignal-protocol-c gave an unexpected public key: " + parsed.error().detail);
  return *parsed;
}

std::unique_ptr<Botan::RandomNumberGenerator> make_rng(std::optional<std::uint64_t> seed) {
  if (!seed) return std::make_unique<Botan::System_RNG>();
  // A label keeps these streams apart from any other use of the same small seed.
  auto hash = Botan::HashFunction::create_or_throw("SHA-256");
  hash->update("parley libsignal-c peer");
  for (int i = 0; i < 8; ++i) hash->update(static_cast<std::uint8_t>(*seed >> (8 * i)));
  return std::make_unique<Botan::ChaCha_RNG>(hash->final());
}

}  // namespace

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

LibsignalCPeer::LibsignalCPeer(std::uint64_t seed) : impl_(std::make_unique<Impl>(seed)) {}
LibsignalCPeer::LibsignalCPeer() : impl_(std::make_unique<Impl>(std::nullopt)) {}
LibsignalCPeer::~LibsignalCPeer() = default;

protocol::PreKeyBundle LibsignalCPeer::bundle(bool with_one_time_prekey) const {
  protocol::PreKeyBundle b;
  b.registration_id = protocol::RegistrationId{impl_->stores.registration_id};
  b.device_id = static_cast<std::uint32_t>(kOwnDeviceId);
  b.identity_key = impl_->identity_public;
  b.signed_prekey_id = protocol::SignedPreKeyId{kSignedPreKeyId};
  b.signed_prekey = impl_->signed_prekey_public;
  b.signed_prekey_signature = impl_->signed_prekey_signature;
  if (with_one_time_prekey && has_one_time_prekey()) {
    b.prekey_id = protocol::PreKeyId{impl_->one_time_prekey_id};
    b.prekey = impl_->one_time_prekey_public;
  }
  return b;
}

bool LibsignalCPeer::has_one_time_prekey() const {
  return impl_->stores.pre_keys.contains(impl_->one_time_prekey_id);
}

void LibsignalCPeer::refresh_one_time_prekey() { impl_->new_one_time_prekey(); }

std::uint32_t LibsignalCPeer::registration_id() const { return impl_->stores.registration_id; }

core::Result<void> LibsignalCPeer::start_session(const protocol::PreKeyBundle& bundle) {
  if (bundle.prekey_id.has_value() != bundle.prekey.has_value())
    return core::make_error(Errc::malformed, "a prekey id without a key or the reverse");
  PARLEY_TRY(const auto identity, impl_->decode(bundle.identity_key));
  PARLEY_TRY(const auto signed_prekey, impl_->decode(bundle.signed_prekey));
  Ref<ec_public_key> one_time;
  if (bundle.prekey) {
    PARLEY_TRY(one_time, impl_->decode(*bundle.prekey));
  }
  session_pre_key_bundle* raw_bundle = nullptr;
  int result = session_pre_key_bundle_create(
      &raw_bundle, bundle.registration_id.value, static_cast<int>(bundle.device_id),
      bundle.prekey_id ? bundle.prekey_id->value : 0, one_time.get(), bundle.signed_prekey_id.value,
      signed_prekey.get(), bundle.signed_prekey_signature.data(), bundle.signed_prekey_signature.size(),
      identity.get());
  if (result < 0) return error_of(result, "session_pre_key_bundle_create");
  const Ref<session_pre_key_bundle> libsignal_bundle(raw_bundle);

  session_builder* raw_builder = nullptr;
  result = session_builder_create(&raw_builder, impl_->store, &impl_->remote, impl_->context);
  if (result < 0) return error_of(result, "session_builder_create");
  const std::unique_ptr<session_builder, BuilderFree> builder(raw_builder);
  result = session_builder_process_pre_key_bundle(builder.get(), libsignal_bundle.get());
  // The library reports a bad signature as SG_ERR_INVALID_KEY; Parley's name for it is bad_signature.
  if (result == SG_ERR_INVALID_KEY)
    return core::make_error(Errc::bad_signature, "libsignal-protocol-c rejected the bundle");
  if (result < 0) return error_of(result, "session_builder_process_pre_key_bundle");
  return {};
}

core::Result<protocol::OutgoingMessage> LibsignalCPeer::encrypt(core::BytesView plaintext) {
  // Without a session the library fails deep inside with a generic code; name it as Parley does.
  if (!has_session()) return core::make_error(Errc::no_session, "no session with the remote device");
  ciphertext_message* raw = nullptr;
  const int result = session_cipher_encrypt(impl_->cipher, plaintext.data(), plaintext.size(), &raw);
  if (result < 0) return error_of(result, "session_cipher_encrypt");
  const Ref<ciphertext_message> message(raw);
  protocol::OutgoingMessage out;
  switch (ciphertext_message_get_type(message.get())) {
    case CIPHERTEXT_PREKEY_TYPE:
      out.type = protocol::MessageType::prekey;
      break;
    case CIPHERTEXT_SIGNAL_TYPE:
      out.type = protocol::MessageType::whisper;
      break;
    default:
      return core::make_error(Errc::unsupported, "libsignal-protocol-c produced an unexpected message type");
  }
  out.wire = bytes_of(ciphertext_message_get_serialized(message.get()));  // borrowed from the message
  return out;
}

core::Result<core::Bytes> LibsignalCPeer::decrypt(protocol::MessageType type, core::BytesView wire) {
  signal_buffer* raw_plaintext = nullptr;
  int result = 0;
  if (type == protocol::MessageType::prekey) {
    pre_key_signal_message* raw = nullptr;
    result = pre_key_signal_message_deserialize(&raw, wire.data(), wire.size(), impl_->context);
    if (result < 0) return error_of(result, "pre_key_signal_message_deserialize");
    const Ref<pre_key_signal_message> message(raw);
    result =
        session_cipher_decrypt_pre_key_signal_message(impl_->cipher, message.get(), nullptr, &raw_plaintext);
  } else {
    signal_message* raw = nullptr;
    result = signal_message_deserialize(&raw, wire.data(), wire.size(), impl_->context);
    if (result < 0) return error_of(result, "signal_message_deserialize");
    const Ref<signal_message> message(raw);
    result = session_cipher_decrypt_signal_message(impl_->cipher, message.get(), nullptr, &raw_plaintext);
  }
  const Buffer plaintext(raw_plaintext);
  if (result < 0) return error_of(result, "decrypt");
  return bytes_of(plaintext.get());
}

bool LibsignalCPeer::has_session() const {
  return signal_protocol_session_contains_session(impl_->store, &impl_->remote) == 1;
}

void LibsignalCPeer::reset_session() { signal_protocol_session_delete_session(impl_->store, &impl_->remote); }

std::size_t LibsignalCPeer::session_state_size() const {
  if (!has_session()) return 0;
  session_record* raw = nullptr;
  require(signal_protocol_session_load_session(impl_->store, &raw, &impl_->remote), "load_session");
  const Ref<session_record> record(raw);
  signal_buffer* raw_serialized = nullptr;
  require(session_record_serialize(&raw_serialized, record.get()), "session_record_serialize");
  const Buffer serialized(raw_serialized);
  return signal_buffer_len(serialized.get());
}

}  // namespace parley::testing
