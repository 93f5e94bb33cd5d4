// The engine's life: creating or loading the device, registration, login, prekeys and the first
// device list, and the dispatch of every frame from the server.
#include "parley/client/engine.h"

#include "parley/crypto/xeddsa.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/transport/client_frames.h"
#include "parley/transport/frames_capnp.h"

namespace parley::client {

using core::Errc;
using Which = wire::Frame::Body::Which;

void EngineOutput::append(EngineOutput other) {
  for (auto& f : other.frames) frames.push_back(std::move(f));
  for (auto& e : other.events) events.push_back(std::move(e));
}

Engine::Engine(DeviceStore& store, LocalIdentity identity, crypto::Entropy& entropy, WallClock clock)
    : store_(store), identity_(std::move(identity)), entropy_(entropy), clock_(std::move(clock)) {}

core::Result<std::unique_ptr<Engine>> Engine::create(DeviceStore& store, const crypto::X25519PublicKey& server_key,
                                                     crypto::Entropy& entropy, WallClock clock) {
  LocalIdentity id;
  PARLEY_TRY(id.identity, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(id.noise, crypto::generate_x25519_key_pair(entropy));
  std::uint8_t reg[2];
  PARLEY_CHECK(entropy.fill(reg));
  id.registration_id = 1 + ((std::uint32_t{reg[0]} << 8 | reg[1]) % 16380);  // libsignal's range
  id.server_key = server_key;
  id.account_key = id.identity.public_key;  // a new device is its own primary until linked
  PARLEY_CHECK(store.save_identity(id));
  // A device id can be re-linked to a new device, whose ids must not repeat the old one's: a
  // receiver knows a message by (account, device, message id). Starting at the clock keeps them
  // apart, and above the old ones, so "read up to" marks stay in order (spec §8.6).
  PARLEY_CHECK(store.start_message_ids(clock() * kMessageIdsPerMillisecond));
  std::unique_ptr<Engine> engine(new Engine(store, std::move(id), entropy, std::move(clock)));
  PARLEY_CHECK(engine->load_state());
  return engine;
}

core::Result<std::unique_ptr<Engine>> Engine::load(DeviceStore& store, crypto::Entropy& entropy, WallClock clock) {
  PARLEY_TRY(auto id, store.identity());
  if (!id) return core::make_error(Errc::not_found, "this profile holds no device yet");
  std::unique_ptr<Engine> engine(new Engine(store, std::move(*id), entropy, std::move(clock)));
  PARLEY_CHECK(engine->load_state());
  return engine;
}

core::Result<void> Engine::load_state() {
  prekeys_.identity_key = identity_.identity;
  prekeys_.registration = protocol::RegistrationId{identity_.registration_id};
  PARLEY_TRY(prekeys_.signed_prekeys, store_.signed_prekeys());
  PARLEY_TRY(prekeys_.one_time_prekeys, store_.one_time_prekeys());
  PARLEY_TRY(const auto read_receipts, store_.setting("read_receipts"));
  read_receipts_ = read_receipts.value_or(1) != 0;
  if (registered()) PARLEY_CHECK(load_outbox());
  return {};
}

std::uint32_t Engine::request(Request what) {
  const std::uint32_t id = next_request_++;
  if (next_request_ == 0) next_request_ = 1;  // 0 is the server's pushes
  requests_.emplace(id, std::move(what));
  return id;
}

core::Result<core::Bytes> Engine::register_frame() {
  PARLEY_TRY(const auto signature, crypto::xeddsa_sign(identity_.identity.private_key, identity_.noise.public_key, entropy_));
  const auto identity_key = crypto::serialize_public_key(identity_.identity.public_key);
  const transport::RegisterRequest r{identity_key, identity_.noise.public_key, signature, identity_.registration_id};
  return transport::encode_register(request(Plain{}), r);
}

EngineOutput Engine::on_frame(const transport::DecodedFrame& frame) {
  // A reply to one of our requests, or a push.
  std::optional<Request> answered;
  if (frame.request_id() != 0) {
    auto it = requests_.find(frame.request_id());
    if (it != requests_.end()) {
      answered = std::move(it->second);
      requests_.erase(it);
    }
  }
  switch (static_cast<Which>(frame.kind())) {
    case Which::LOGGED_IN: return on_logged_in_frame(frame);
    case Which::DEVICE_LINKED:
      if (answered && std::holds_alternative<LinkRequest>(*answered)) return on_device_linked(frame);
      return {};
    case Which::LINK_CONFIRMATION: return on_link_confirmation(frame);
    case Which::DEVICE_LIST: return on_device_list(frame);
    case Which::PRE_KEY_BUNDLES: return on_bundles(frame);
    case Which::SEND_ACK:
      if (answered)
        if (const auto* send = std::get_if<SendRequest>(&*answered)) {
          const auto server_id = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<std::uint64_t> {
            return r.getBody().getSendAck().getServerId();
          });
          return on_send_ack(send->message_id, send->account, server_id.ok() ? *server_id : 0);
        }
      return {};
    case Which::RETRY_REQUEST: return on_retry_request(frame);
    case Which::DELIVER: return on_deliver(frame);
    case Which::QUEUE_EMPTY: return {{}, {CaughtUpEvent{}}};
    case Which::ERROR: {
      if (answered) return on_error(*answered, frame);
      const auto code = transport::read_frame(frame, [](wire::Frame::Reader r) -> core::Result<wire::ErrorCode> {
        return r.getBody().getError().getCode();
      });
      if (code.ok() && *code == wire::ErrorCode::PREKEYS_LOW) return upload_prekeys(kPrekeyBatch);
      // The server does not take this device (any more): removed from its account, say.
      if (code.ok() && *code == wire::ErrorCode::UNAUTHORIZED)
        return {{}, {FailedEvent{0, core::make_error(Errc::untrusted_identity, "the server refused this device")}}};
      return {};
    }
    default: return {};
  }
}

// Logged in (also right after registering): keep a signed prekey and a stock of one-time prekeys
// on the server, and, as a new primary, publish the first device list.
EngineOutput Engine::on_logged_in() {
  EngineOutput out;
  if (prekeys_.signed_prekeys.empty() || prekeys_.one_time_prekeys.size() < kPrekeyBatch / 2)
    out = upload_prekeys(kPrekeyBatch - static_cast<std::uint32_t>(prekeys_.one_time_prekeys.size()));
  if (identity_.device == protocol::devices::kPrimaryDevice && !lists_.contains(identity_.account))
    out.append(publish_first_device_list());
  out.append(advance());
  return out;
}

EngineOutput Engine::publish_first_device_list() {
  auto stored = store_.device_list(identity_.account);
  if (stored.ok() && stored->has_value()) return {};
  return publish({identity_.account, 1, clock_(), {{1, 0, identity_.identity.public_key}}});
}

core::Result<std::vector<protocol::OneTimePreKey>> Engine::new_one_time_prekeys(std::uint32_t count) {
  PARLEY_TRY(const auto first, store_.next_one_time_prekey_id());
  std::vector<protocol::OneTimePreKey> keys;
  for (std::uint32_t i = 0; i < count; ++i) {
    PARLEY_TRY(auto key, crypto::generate_x25519_key_pair(entropy_));
    keys.push_back({protocol::PreKeyId{first + i}, std::move(key)});
  }
  PARLEY_CHECK(store_.put_one_time_prekeys(keys));  // saved before any of them leaves
  for (const auto& k : keys) prekeys_.one_time_prekeys.emplace(k.id.value, k);
  return keys;
}

EngineOutput Engine::upload_prekeys(std::uint32_t count) {
  EngineOutput out;
  auto fail = [&](const core::Error& e) { return EngineOutput{{}, {FailedEvent{0, e}}}; };
  std::optional<protocol::SignedPreKey> fresh_signed;
  if (prekeys_.signed_prekeys.empty()) {
    auto generated = protocol::generate_signed_prekey(identity_.identity, protocol::SignedPreKeyId{1}, entropy_);
    if (!generated.ok()) return fail(generated.error());
    if (auto saved = store_.put_signed_prekey(*generated); !saved.ok()) return fail(saved.error());
    prekeys_.signed_prekeys.emplace(1, *generated);
    fresh_signed = std::move(*generated);
  }
  auto generated = new_one_time_prekeys(count);
  if (!generated.ok()) return fail(generated.error());
  const auto& keys = *generated;
  const std::uint32_t id = request(Plain{});
  auto frame = transport::encode_frame(id, 16 + keys.size() * 8, [&](wire::Frame::Builder root) {
    auto u = root.getBody().initUploadPreKeys();
    if (fresh_signed) {
      auto s = u.initSignedPreKey();
      const auto pub = crypto::serialize_public_key(fresh_signed->key.public_key);
      s.setId(fresh_signed->id.value);
      s.setPublicKey(capnp::Data::Reader(pub.data(), pub.size()));
      s.setSignature(capnp::Data::Reader(fresh_signed->signature.data(), fresh_signed->signature.size()));
    }
    auto list = u.initOneTimePreKeys(static_cast<unsigned>(keys.size()));
    for (unsigned i = 0; i < keys.size(); ++i) {
      const auto pub = crypto::serialize_public_key(keys[i].key.public_key);
      list[i].setId(keys[i].id.value);
      list[i].setPublicKey(capnp::Data::Reader(pub.data(), pub.size()));
    }
  });
  if (!frame.ok()) return fail(frame.error());
  out.frames.push_back(std::move(*frame));
  return out;
}

}  // namespace parley::client
