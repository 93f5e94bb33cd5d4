#include "retry.h"

#include <algorithm>
#include <string>

#include "parley/protocol/groups/group_cipher.h"
#include "parley/protocol/groups/membership_entry.h"
#include "parley/wire/sender_key_codec.h"
#include "parley/wire/sender_key_record_codec.h"

namespace parley::client::engine {

core::Result<Retry::Asked> Retry::ask(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t server_id) {
  auto asking = requester_.on_decrypt_failure({sender_account, sender_device, server_id});
  if (!asking.ok())
    return Asked{failed(0, core::make_error(asking.code(), "a message from " + std::to_string(sender_account) + "/" +
                                                               std::to_string(sender_device) + " could not be read after 5 retries")),
                 false};
  wire::RetryRequest request{sender_account, sender_device, server_id, asking->attempt, std::nullopt};
  // From the second attempt: a fresh one-time prekey of ours, so that the sender can start over.
  if (asking->attach_fresh_bundle) {
    PARLEY_TRY(const auto bundle, prekeys_.fresh_bundle());
    if (bundle) request.bundle = wire::from_protocol_bundle(*bundle, ctx_.identity.incarnation);
  }
  auto frame = ctx_.frame(PlainRequest{}, request);
  if (!frame.ok()) return Asked{failed(0, frame.error()), false};
  Asked asked{{}, true};
  asked.out.frames.push_back(std::move(*frame));
  return asked;
}

core::Result<void> Retry::load() {
  responder_ = {};
  PARLEY_TRY(const auto sends, ctx_.store.recorded_sends());
  for (const auto server_id : sends) responder_.on_sent(server_id);
  return {};
}

Output Retry::on_request(const wire::RetryRequest& asked) {
  std::optional<protocol::PreKeyBundle> bundle;
  if (asked.bundle) {
    auto parsed = wire::to_protocol_bundle(*asked.bundle);
    if (!parsed.ok() || !parsed->has_value()) return EngineOutput{};  // a bundle without a signed prekey
    bundle = std::move(**parsed);
  }
  const protocol::retry::RetryRequest retry{{ctx_.identity.account, ctx_.identity.device, asked.server_id}, asked.attempt,
                                            asked.attempt >= 2};
  // Only a device the send named carried a copy for may have it again: anyone else (another contact,
  // or a session the server made up) asking for a server id learns nothing.
  PARLEY_TRY(const auto sent, ctx_.store.sent_to(asked.server_id, asked.account, asked.device));
  if (!sent) return EngineOutput{};
  const auto message_id = *sent;
  auto resend = responder_.on_request(ctx_.identity.account, ctx_.identity.device, asked.account, asked.device, retry,
                                      bundle.has_value());
  if (!resend.ok()) return EngineOutput{};  // a request this device cannot or will not answer
  PARLEY_TRY(const auto stored, ctx_.store.message(ctx_.identity.account, ctx_.identity.device, message_id));
  if (!stored) return EngineOutput{};
  const protocol::fanout::DeviceAddress to{asked.account, asked.device};
  const auto* list = lists_.find(to.account);

  if (resend->new_session) {
    // Only a bundle whose identity key is the one the device's verified list names.
    const auto* listed = list == nullptr ? nullptr : list->list.find(to.device);
    if (listed == nullptr || listed->identity_key != bundle->identity_key || !protocol::verify_bundle(*bundle).ok())
      return EngineOutput{};
    PARLEY_TRY(const auto existing, ctx_.store.session(to.account, to.device));
    StoredSession session{to.account, to.device, list->incarnation(to.device, 0), bundle->identity_key, {}};
    if (existing) session.record = existing->record;  // the new session goes first; the old one is archived
    if (!protocol::start_session(session.record, ctx_.identity.identity,
                                 protocol::RegistrationId{ctx_.identity.registration_id}, *bundle, ctx_.entropy)
             .ok())
      return EngineOutput{};
    PARLEY_CHECK(ctx_.store.save_session(session));
  }
  wire::Content content{message_id, stored->timestamp_ms, stored->body, std::nullopt, std::nullopt};
  if (!stored->media.empty()) {
    auto media = wire::decode_media(stored->media);
    if (!media.ok()) return EngineOutput{};  // cannot be: this device kept it
    content.media = std::move(*media);
  }
  EngineOutput out;
  if (is_group_chat(stored->chat)) {
    // A group message (spec §11.3) goes again over the pairwise session, named with its group, after
    // this device's current sender key, so that the asking device reads what follows too.
    PARLEY_TRY(auto key, group_resend(stored->chat, to, asked.server_id));
    if (!key) return EngineOutput{};
    content.group = key->context;
    out.frames.push_back(std::move(key->frame));
  } else if (to.account == ctx_.identity.account) {
    content.sent_to = stored->chat;
  }
  auto ciphertext = sessions_.encrypt(to, content, asked.server_id);
  if (!ciphertext.ok()) {
    if (ciphertext.code() == core::Errc::storage_failure) return ciphertext.error();
    return failed(message_id, ciphertext.error());
  }
  PARLEY_TRY(const auto session, ctx_.store.session(to.account, to.device));
  if (!session) return EngineOutput{};
  const auto incarnation = list == nullptr ? session->incarnation : list->incarnation(to.device, session->incarnation);
  PARLEY_TRY(const auto client_id, ctx_.store.take_message_id());  // a resend is a send of its own for the server
  wire::Send resend_frame{client_id << 1, to.account, {{to.device, incarnation, std::move(*ciphertext)}}, asked.server_id};
  if (content.media) resend_frame.blob_refs.push_back(content.media->file_enc_sha256);  // the resend grants it too
  auto frame = ctx_.frame(RetrySendRequest{}, resend_frame);
  if (!frame.ok()) return EngineOutput{};
  out.frames.push_back(std::move(*frame));
  return out;
}

core::Result<std::optional<Retry::GroupKeyResend>> Retry::group_resend(std::uint64_t chat, const protocol::fanout::DeviceAddress& to,
                                                                      std::uint64_t server_id) {
  using None = std::optional<GroupKeyResend>;
  PARLEY_TRY(const auto group, ctx_.store.group_of_chat(chat));
  if (!group || group->log.empty() || group->own_distribution.empty()) return None{};
  const auto head = protocol::groups::membership_entry_hash(group->log.back());
  const wire::GroupContext context{group->group, group->log.size(), core::Bytes(head.begin(), head.end())};
  PARLEY_TRY(const auto own, ctx_.store.sender_key(ctx_.identity.account, ctx_.identity.device, group->own_distribution));
  if (!own) return None{};
  auto record = wire::decode_sender_key_record(own->record);
  if (!record.ok()) return None{};
  protocol::groups::DistributionId id{};
  std::copy_n(group->own_distribution.begin(), std::min(group->own_distribution.size(), id.size()), id.begin());
  auto made = protocol::groups::create_distribution(std::optional(std::move(*record)), id, ctx_.entropy);
  if (!made.ok()) return None{};
  PARLEY_TRY(const auto message_id, ctx_.store.take_message_id());
  const wire::LibsignalSenderKeyCodec codec;
  const wire::Content content{message_id, ctx_.clock(), "", std::nullopt, std::nullopt, std::nullopt, context,
                              codec.encode_distribution(made->message)};
  auto ciphertext = sessions_.encrypt(to, content, server_id);
  if (!ciphertext.ok()) {
    if (ciphertext.code() == core::Errc::storage_failure) return ciphertext.error();
    return None{};
  }
  PARLEY_TRY(const auto session, ctx_.store.session(to.account, to.device));
  if (!session) return None{};
  const auto* list = lists_.find(to.account);
  const auto incarnation = list == nullptr ? session->incarnation : list->incarnation(to.device, session->incarnation);
  wire::Send send{message_id << 1, to.account, {{to.device, incarnation, std::move(*ciphertext)}}, server_id};
  auto frame = ctx_.frame(RetrySendRequest{}, send);
  if (!frame.ok()) return None{};
  return std::optional(GroupKeyResend{context, std::move(*frame)});
}

}  // namespace parley::client::engine
