// LibsignalCPeer on libsignal-protocol-c 2.3.3: the pairwise part. Every object the library hands
// out is reference counted; the Ref/Buffer holders (peer_impl.h) release each one on every path, so
// LeakSanitizer sees nothing of ours when a test ends.
#include "peer_impl.h"

namespace parley::testing {

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
