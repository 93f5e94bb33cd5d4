// LibsignalCPeer on libsignal-protocol-c 2.3.3: the group part (group_session_builder and
// group_cipher), one group with this peer and the remote device as its senders.
#include <group_cipher.h>
#include <group_session_builder.h>

#include "peer_impl.h"

namespace parley::testing {

namespace {

constexpr char kGroup[] = "parley-interop-group";
constexpr char kLocalName[] = "local";

struct GroupBuilderFree {
  void operator()(group_session_builder* b) const { group_session_builder_free(b); }
};
struct GroupCipherFree {
  void operator()(group_cipher* c) const { group_cipher_free(c); }
};

signal_protocol_sender_key_name local_sender() {
  return {kGroup, sizeof(kGroup) - 1, {kLocalName, sizeof(kLocalName) - 1, kOwnDeviceId}};
}
signal_protocol_sender_key_name remote_sender() {
  return {kGroup, sizeof(kGroup) - 1, {kRemoteName, sizeof(kRemoteName) - 1, kRemoteDeviceId}};
}

core::Result<std::unique_ptr<group_cipher, GroupCipherFree>> cipher_for(signal_protocol_store_context* store,
                                                                       const signal_protocol_sender_key_name* name,
                                                                       signal_context* context) {
  group_cipher* raw = nullptr;
  const int result = group_cipher_create(&raw, store, name, context);
  if (result < 0) return error_of(result, "group_cipher_create");
  return std::unique_ptr<group_cipher, GroupCipherFree>(raw);
}

}  // namespace

core::Result<core::Bytes> LibsignalCPeer::group_distribution() {
  group_session_builder* raw_builder = nullptr;
  int result = group_session_builder_create(&raw_builder, impl_->store, impl_->context);
  if (result < 0) return error_of(result, "group_session_builder_create");
  const std::unique_ptr<group_session_builder, GroupBuilderFree> builder(raw_builder);
  const auto name = local_sender();
  sender_key_distribution_message* raw = nullptr;
  result = group_session_builder_create_session(builder.get(), &raw, &name);
  if (result < 0) return error_of(result, "group_session_builder_create_session");
  const Ref<sender_key_distribution_message> message(raw);
  return bytes_of(ciphertext_message_get_serialized(reinterpret_cast<ciphertext_message*>(message.get())));
}

core::Result<core::Bytes> LibsignalCPeer::group_encrypt(core::BytesView plaintext) {
  const auto name = local_sender();
  PARLEY_TRY(const auto cipher, cipher_for(impl_->store, &name, impl_->context));
  ciphertext_message* raw = nullptr;
  const int result = group_cipher_encrypt(cipher.get(), plaintext.data(), plaintext.size(), &raw);
  if (result < 0) return error_of(result, "group_cipher_encrypt");
  const Ref<ciphertext_message> message(raw);
  return bytes_of(ciphertext_message_get_serialized(message.get()));
}

core::Result<void> LibsignalCPeer::group_process_distribution(core::BytesView wire) {
  sender_key_distribution_message* raw = nullptr;
  int result = sender_key_distribution_message_deserialize(&raw, wire.data(), wire.size(), impl_->context);
  if (result < 0) return error_of(result, "sender_key_distribution_message_deserialize");
  const Ref<sender_key_distribution_message> message(raw);
  group_session_builder* raw_builder = nullptr;
  result = group_session_builder_create(&raw_builder, impl_->store, impl_->context);
  if (result < 0) return error_of(result, "group_session_builder_create");
  const std::unique_ptr<group_session_builder, GroupBuilderFree> builder(raw_builder);
  const auto name = remote_sender();
  result = group_session_builder_process_session(builder.get(), &name, message.get());
  if (result < 0) return error_of(result, "group_session_builder_process_session");
  return {};
}

core::Result<core::Bytes> LibsignalCPeer::group_decrypt(core::BytesView wire) {
  sender_key_message* raw = nullptr;
  int result = sender_key_message_deserialize(&raw, wire.data(), wire.size(), impl_->context);
  if (result < 0) return error_of(result, "sender_key_message_deserialize");
  const Ref<sender_key_message> message(raw);
  const auto name = remote_sender();
  PARLEY_TRY(const auto cipher, cipher_for(impl_->store, &name, impl_->context));
  signal_buffer* raw_plaintext = nullptr;
  result = group_cipher_decrypt(cipher.get(), message.get(), nullptr, &raw_plaintext);
  const Buffer plaintext(raw_plaintext);
  if (result < 0) return error_of(result, "group_cipher_decrypt");
  return bytes_of(plaintext.get());
}

}  // namespace parley::testing
