#include "prekey_stock.h"

#include <algorithm>


namespace parley::client::engine {

core::Result<void> PreKeyStock::load() {
  keys_.identity_key = ctx_.identity.identity;
  keys_.registration = protocol::RegistrationId{ctx_.identity.registration_id};
  PARLEY_TRY(const auto stored, ctx_.store.signed_prekeys());
  // The ring the rows are (oldest first): each key was retired when the next one was made.
  ring_.reset();
  for (const auto& row : stored) {
    if (ring_) {
      ring_->retired.push_back({std::move(ring_->current), row.created_ms});
      ring_->current = row.key;
      ring_->current_since_ms = row.created_ms;
    } else {
      ring_ = protocol::SignedPreKeyRing{row.key, row.created_ms, {}};
    }
  }
  hold_signed();
  PARLEY_TRY(keys_.one_time_prekeys, ctx_.store.one_time_prekeys());
  in_flight_.reset();
  return {};
}

void PreKeyStock::hold_signed() {
  keys_.signed_prekeys.clear();
  if (!ring_) return;
  keys_.signed_prekeys.insert_or_assign(ring_->current.id.value, ring_->current);
  for (const auto& r : ring_->retired) keys_.signed_prekeys.insert_or_assign(r.key.id.value, r.key);
}

Output PreKeyStock::top_up() {
  if (ring_ && keys_.one_time_prekeys.size() >= kPrekeyBatch / 2) return EngineOutput{};
  return refill();
}

Output PreKeyStock::refill() {
  if (in_flight_) return EngineOutput{};  // one upload at a time: the next warning comes if still low
  // Never more one-time prekeys here than the server holds for a device (a key it refuses is one
  // nobody can use), so a hostile run of fetches cannot make the store grow without end. At the cap
  // the oldest keys make room: the server hands out the lowest id first, so they are the ones given
  // out longest ago, most likely to fetchers that never wrote (spec §4.3); a first message that did
  // use one fails and is sent again from a fresh bundle (§8.5).
  if (const auto held = keys_.one_time_prekeys.size(); held + kPrekeyBatch > kMaxOneTimePreKeys) {
    std::vector<protocol::PreKeyId> oldest;
    for (const auto& [id, key] : keys_.one_time_prekeys) {
      if (oldest.size() == held + kPrekeyBatch - kMaxOneTimePreKeys) break;
      oldest.push_back(key.id);
    }
    for (const auto id : oldest) PARLEY_CHECK(consume(id));
  }
  const auto count = kPrekeyBatch;
  const bool first = !ring_;
  if (first) {
    PARLEY_TRY(auto key, protocol::generate_signed_prekey(ctx_.identity.identity, protocol::SignedPreKeyId{1}, ctx_.entropy));
    const auto now = ctx_.clock();
    PARLEY_CHECK(ctx_.store.put_signed_prekey({key, now}));
    ring_ = protocol::SignedPreKeyRing{std::move(key), now, {}};
    hold_signed();
  }
  return upload(count, first ? &ring_->current : nullptr);
}

Output PreKeyStock::rotate_if_due() {
  if (!ring_) return EngineOutput{};
  const auto now = ctx_.clock();
  EngineOutput out;
  if (protocol::rotation_due(*ring_, now)) {
    // A new id each time (spec §4.2): the ids only rise.
    const protocol::SignedPreKeyId next{ring_->current.id.value + 1};
    PARLEY_TRY(auto key, protocol::generate_signed_prekey(ctx_.identity.identity, next, ctx_.entropy));
    PARLEY_CHECK(ctx_.store.put_signed_prekey({key, now}));
    PARLEY_CHECK(protocol::rotate(*ring_, std::move(key), now));
    PARLEY_TRY(auto uploaded, upload(0, &ring_->current));
    out.append(std::move(uploaded));
  }
  // Each replaced key serves prekey messages for its grace period (a message from a bundle fetched
  // before the rotation may wait on the server that long), then leaves the store.
  for (const auto id : protocol::expire(*ring_, now)) PARLEY_CHECK(ctx_.store.delete_signed_prekey(id));
  hold_signed();
  return out;
}

core::Result<std::vector<protocol::OneTimePreKey>> PreKeyStock::generate(std::uint32_t count) {
  PARLEY_TRY(const auto first, ctx_.store.next_one_time_prekey_id());
  std::vector<protocol::OneTimePreKey> keys;
  keys.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    PARLEY_TRY(auto key, crypto::generate_x25519_key_pair(ctx_.entropy));
    keys.push_back({protocol::PreKeyId{first + i}, std::move(key)});
  }
  PARLEY_CHECK(ctx_.store.put_one_time_prekeys(keys));
  for (const auto& k : keys) keys_.one_time_prekeys.insert_or_assign(k.id.value, k);
  return keys;
}

Output PreKeyStock::upload(std::uint32_t count, const protocol::SignedPreKey* signed_prekey) {
  PARLEY_TRY(const auto keys, generate(count));
  const auto request = ctx_.requests.add(UploadRequest{});
  PARLEY_TRY(auto frame, wire::encode_frame(request, wire::make_upload(signed_prekey, keys)));
  Upload upload{request, {}};
  for (const auto& k : keys) upload.one_time.push_back(k.id);
  in_flight_ = std::move(upload);
  EngineOutput out;
  out.frames.push_back(std::move(frame));
  return out;
}

core::Result<void> PreKeyStock::on_upload_answered(std::uint32_t request_id, bool taken) {
  if (!in_flight_ || in_flight_->request_id != request_id) return {};
  const auto upload = std::move(*in_flight_);
  in_flight_.reset();
  if (taken) return {};
  for (const auto id : upload.one_time) PARLEY_CHECK(consume(id));
  return {};
}

core::Result<void> PreKeyStock::consume(protocol::PreKeyId id) {
  PARLEY_CHECK(ctx_.store.delete_one_time_prekey(id));
  keys_.one_time_prekeys.erase(id.value);
  return {};
}

core::Result<std::optional<protocol::PreKeyBundle>> PreKeyStock::fresh_bundle() {
  if (!ring_) return std::optional<protocol::PreKeyBundle>{};
  PARLEY_TRY(const auto fresh, generate(1));
  const auto& signed_prekey = ring_->current;
  return std::optional<protocol::PreKeyBundle>(protocol::PreKeyBundle{
      protocol::RegistrationId{ctx_.identity.registration_id}, ctx_.identity.device, ctx_.identity.identity.public_key,
      signed_prekey.id, signed_prekey.key.public_key, signed_prekey.signature, fresh.front().id,
      fresh.front().key.public_key});
}

}  // namespace parley::client::engine
