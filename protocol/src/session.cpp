#include "parley/protocol/session.h"

#include "parley/protocol/limits.h"

namespace parley::protocol {

using core::Errc;

namespace {

void archive_current(SessionRecord& record) {
  if (!record.current) return;
  record.archived.push_front(std::move(*record.current));
  record.current.reset();
  if (record.archived.size() > kMaxArchivedSessions) record.archived.pop_back();
}

}  // namespace

core::Result<void> start_session(SessionRecord& record, const X25519KeyPair& our_identity,
                                 RegistrationId our_registration_id, const PreKeyBundle& bundle,
                                 crypto::Entropy& entropy) {
  PARLEY_CHECK(verify_bundle(bundle));
  PARLEY_TRY(auto base_key, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(auto ratchet_key, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(auto state, initiate_session({our_identity, base_key, std::move(ratchet_key), bundle, our_registration_id}));
  archive_current(record);
  record.current = std::move(state);
  return {};
}

core::Result<OutgoingMessage> session_encrypt(SessionRecord& record, core::BytesView plaintext,
                                              const MessageCodec& codec) {
  if (!record.current) return core::make_error(Errc::no_session, "no current session");
  SessionState& s = *record.current;
  PARLEY_TRY(auto inner, ratchet_encrypt(s, plaintext, codec));
  if (!s.pending_prekey) return OutgoingMessage{MessageType::whisper, std::move(inner)};
  PreKeySignalMessage wrapped{s.version_byte,         s.local_registration_id, s.pending_prekey->prekey_id,
                              s.pending_prekey->signed_prekey_id, s.pending_prekey->base_key, s.local_identity,
                              std::move(inner)};
  return OutgoingMessage{MessageType::prekey, codec.encode_prekey_message(wrapped)};
}

core::Result<ReceiveResult> plan_receive(const SessionRecord& record, const ReceivedSignalMessage& message,
                                         crypto::Entropy& entropy, ReceiveBudget* given) {
  if (!record.current && record.archived.empty()) return core::make_error(Errc::no_session, "no session");
  core::Error first_error = core::make_error(Errc::no_session, "no current session");
  // One budget for every session the message is tried on (spec §5.5): a forged message cannot cost
  // a DH step and a full chain walk in each of 41 sessions.
  ReceiveBudget own;
  ReceiveBudget& budget = given != nullptr ? *given : own;
  if (record.current) {
    auto plan = plan_decrypt(*record.current, message, entropy, budget);
    if (plan) return ReceiveResult{ReceiveResult::Where::current, 0, std::nullopt, std::move(plan).value(), {}};
    first_error = plan.error();
  }
  // A message for an archived session decrypts on it (a copy is not needed: plans are pure) and
  // promotes it. Any error of the current session falls through (libsignal only tries the archive
  // after an authentication failure, but a message for an old session can look too far ahead or
  // replayed to the current one); the error reported is the current session's, which is what the
  // sender most likely used.
  for (std::size_t i = 0; i < record.archived.size() && budget.remaining > 0; ++i) {
    auto plan = plan_decrypt(record.archived[i], message, entropy, budget);
    if (plan) return ReceiveResult{ReceiveResult::Where::archived, i, std::nullopt, std::move(plan).value(), {}};
  }
  return first_error;
}

core::Result<ReceiveResult> plan_receive_prekey(const SessionRecord& record, const PreKeySignalMessage& message,
                                                const PreKeyStore& keys, const MessageCodec& codec,
                                                crypto::Entropy& entropy) {
  if ((message.version_byte >> 4) != kSessionVersion)
    return core::make_error(Errc::unsupported_version, "session version " + std::to_string(message.version_byte >> 4));
  PARLEY_TRY(auto inner, codec.decode_signal_message(message.message));

  // The same X3DH run (same base key) as an existing session: the one-time prekey is already spent.
  auto same_run = [&](const SessionState& s) {
    return s.base_key == message.base_key && s.remote_identity == message.identity_key;
  };
  ReceiveBudget budget;
  if (record.current && same_run(*record.current)) {
    PARLEY_TRY(auto plan, plan_decrypt(*record.current, inner, entropy, budget));
    return ReceiveResult{ReceiveResult::Where::current, 0, std::nullopt, std::move(plan), {}};
  }
  for (std::size_t i = 0; i < record.archived.size(); ++i) {
    if (!same_run(record.archived[i])) continue;
    PARLEY_TRY(auto plan, plan_decrypt(record.archived[i], inner, entropy, budget));
    return ReceiveResult{ReceiveResult::Where::archived, i, std::nullopt, std::move(plan), {}};
  }

  const SignedPreKey* signed_prekey = keys.signed_prekey(message.signed_prekey_id);
  if (signed_prekey == nullptr)
    return core::make_error(Errc::unknown_prekey, "unknown signed prekey " + std::to_string(message.signed_prekey_id.value));
  const OneTimePreKey* one_time = nullptr;
  if (message.prekey_id) {
    one_time = keys.one_time_prekey(*message.prekey_id);
    if (one_time == nullptr)
      return core::make_error(Errc::unknown_prekey, "unknown one-time prekey " + std::to_string(message.prekey_id->value));
  }
  PARLEY_TRY(auto state, respond_session({keys.identity(), signed_prekey->key, one_time ? &one_time->key : nullptr,
                                          signed_prekey->key, message.identity_key, message.base_key,
                                          keys.registration_id(), message.registration_id}));
  PARLEY_TRY(auto plan, plan_decrypt(state, inner, entropy, budget));
  ReceiveResult result{ReceiveResult::Where::new_session, 0, std::move(state), std::move(plan), {}};
  if (one_time) result.actions.push_back(ConsumeOneTimePreKey{one_time->id});
  if (record.current && record.current->remote_identity != message.identity_key)
    result.actions.push_back(IdentityChanged{record.current->remote_identity, message.identity_key});
  return result;
}

core::Result<ReceiveResult> plan_receive_wire(const SessionRecord& record, MessageType type, core::BytesView wire,
                                              const PreKeyStore& keys, const MessageCodec& codec,
                                              crypto::Entropy& entropy) {
  if (type == MessageType::prekey) {
    PARLEY_TRY(auto message, codec.decode_prekey_message(wire));
    return plan_receive_prekey(record, message, keys, codec, entropy);
  }
  PARLEY_TRY(auto message, codec.decode_signal_message(wire));
  return plan_receive(record, message, entropy);
}

void commit_receive(SessionRecord& record, ReceiveResult&& result) {
  switch (result.where) {
    case ReceiveResult::Where::current:
      break;
    case ReceiveResult::Where::archived: {
      SessionState promoted = std::move(record.archived[result.archived_index]);
      record.archived.erase(record.archived.begin() + static_cast<std::ptrdiff_t>(result.archived_index));
      archive_current(record);
      record.current = std::move(promoted);
      break;
    }
    case ReceiveResult::Where::new_session:
      archive_current(record);
      record.current = std::move(*result.new_session);
      break;
  }
  commit_decrypt(*record.current, std::move(result.ratchet));
}

void close_session(SessionRecord& record) { archive_current(record); }

}  // namespace parley::protocol
