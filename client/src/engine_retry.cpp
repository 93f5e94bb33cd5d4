// Retry on decryption failure (spec §8.5) through the server: the asking device's request (with a
// fresh bundle of its own from the second attempt), and the sender's resend to that device alone.
#include "parley/client/engine.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/frames_capnp.h"
#include "parley/transport/prekey_bundle_codec.h"

namespace parley::client {

using core::Errc;
namespace fanout = protocol::fanout;

EngineOutput Engine::ask_for_retry(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t server_id) {
  auto asking = requester_.on_decrypt_failure({sender_account, sender_device, server_id});
  if (!asking.ok())
    return {{}, {FailedEvent{0, core::make_error(asking.code(), "a message from " + std::to_string(sender_account) + "/" +
                                                                     std::to_string(sender_device) +
                                                                     " could not be read after 5 retries")}}};
  // From the second attempt: a fresh one-time prekey of ours, so the sender can start over.
  std::optional<protocol::OneTimePreKey> fresh;
  if (asking->attach_fresh_bundle && !prekeys_.signed_prekeys.empty()) {
    auto generated = new_one_time_prekeys(1);
    if (!generated.ok()) return {{}, {FailedEvent{0, generated.error()}}};
    fresh = std::move(generated->front());
  }
  auto frame = transport::encode_frame(request(Plain{}), 48, [&](wire::Frame::Builder root) {
    auto r = root.getBody().initRetryRequest();
    r.setAccount(sender_account);
    r.setDevice(sender_device);
    r.setServerId(server_id);
    r.setAttempt(asking->attempt);
    if (!fresh) return;
    const auto& signed_prekey = prekeys_.signed_prekeys.begin()->second;
    const protocol::PreKeyBundle ours{protocol::RegistrationId{identity_.registration_id}, identity_.device,
                                      identity_.identity.public_key, signed_prekey.id, signed_prekey.key.public_key,
                                      signed_prekey.signature, fresh->id, fresh->key.public_key};
    transport::write_prekey_bundle(r.initBundle(), ours, identity_.incarnation);
  });
  if (!frame.ok()) return {{}, {FailedEvent{0, frame.error()}}};
  return {{std::move(*frame)}, {}};
}

EngineOutput Engine::on_retry_request(const transport::DecodedFrame& frame) {
  struct Asked {
    std::uint64_t account, server_id;
    std::uint32_t device, attempt;
    std::optional<protocol::PreKeyBundle> bundle;
  };
  auto asked = transport::read_frame(frame, [](wire::Frame::Reader root) -> core::Result<Asked> {
    auto r = root.getBody().getRetryRequest();
    Asked out{r.getAccount(), r.getServerId(), r.getDevice(), r.getAttempt(), std::nullopt};
    if (!r.hasBundle()) return out;
    PARLEY_TRY(out.bundle, transport::read_prekey_bundle(r.getBundle()));
    if (!out.bundle) return core::make_error(Errc::malformed, "a retry bundle without a signed prekey");
    return out;
  });
  if (!asked.ok()) return {};
  const protocol::retry::RetryRequest retry{{identity_.account, identity_.device, asked->server_id}, asked->attempt,
                                            asked->attempt >= 2};
  auto resend = responder_.on_request(identity_.account, identity_.device, asked->account, asked->device, retry,
                                      asked->bundle.has_value());
  if (!resend.ok()) return {};  // a request this device cannot or will not answer: nothing to do
  const auto sent = sent_by_server_id_.find(asked->server_id);
  if (sent == sent_by_server_id_.end()) return {};
  const auto message_id = sent->second;
  auto stored = store_.message(identity_.account, identity_.device, message_id);
  if (!stored.ok() || !stored->has_value()) return {};
  const fanout::DeviceAddress to{asked->account, asked->device};

  if (resend->new_session) {
    // Only a bundle whose identity key is the one the device's verified list names.
    const auto list = lists_.find(to.account);
    const auto* listed = list == lists_.end() ? nullptr : list->second.list.find(to.device);
    if (listed == nullptr || listed->identity_key != asked->bundle->identity_key || !protocol::verify_bundle(*asked->bundle).ok())
      return {};
    StoredSession session{to.account, to.device, list->second.incarnations.contains(to.device) ? list->second.incarnations.at(to.device) : 0,
                          asked->bundle->identity_key, {}};
    if (auto existing = store_.session(to.account, to.device); existing.ok() && existing->has_value())
      session.record = (*existing)->record;  // the new session goes first; the old one is archived
    if (!protocol::start_session(session.record, identity_.identity, protocol::RegistrationId{identity_.registration_id},
                                 *asked->bundle, entropy_)
             .ok())
      return {};
    if (!store_.save_session(session).ok()) return {};
  }
  transport::Content content{message_id, (*stored)->timestamp_ms, (*stored)->body, std::nullopt};
  if (to.account == identity_.account) content.sent_to = (*stored)->chat;
  auto ciphertext = encrypt_content(to, content, asked->server_id);
  if (!ciphertext.ok()) return {{}, {FailedEvent{message_id, ciphertext.error()}}};
  auto session = store_.session(to.account, to.device);
  if (!session.ok() || !session->has_value()) return {};
  const auto list = lists_.find(to.account);
  const auto incarnation = list != lists_.end() && list->second.incarnations.contains(to.device)
                               ? list->second.incarnations.at(to.device)
                               : (*session)->incarnation;
  auto client_id = store_.take_message_id();  // a resend is a send of its own for the server
  if (!client_id.ok()) return {};
  const transport::SendTarget target{to.device, incarnation, *ciphertext};
  auto out_frame = transport::encode_send(request(RetrySendRequest{}), *client_id << 1, to.account, {&target, 1},
                                          asked->server_id);
  if (!out_frame.ok()) return {};
  return {{std::move(*out_frame)}, {}};
}

}  // namespace parley::client
