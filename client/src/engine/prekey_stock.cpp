#include "prekey_stock.h"

#include <algorithm>

#include "parley/protocol/signed_prekey_ring.h"

namespace parley::client::engine {

core::Result<void> PreKeyStock::load() {
  keys_.identity_key = ctx_.identity.identity;
  keys_.registration = protocol::RegistrationId{ctx_.identity.registration_id};
  PARLEY_TRY(const auto stored, ctx_.store.signed_prekeys());
  hold_signed(stored);
  PARLEY_TRY(keys_.one_time_prekeys, ctx_.store.one_time_prekeys());
  in_flight_.reset();
  return {};
}

void PreKeyStock::hold_signed(const std::vector<StoredSignedPreKey>& stored) {
  signed_ = stored;
  keys_.signed_prekeys.clear();
  for (const auto& s : signed_) keys_.signed_prekeys.insert_or_assign(s.key.id.value, s.key);
}

Output PreKeyStock::top_up() {
  if (!signed_.empty() && keys_.one_time_prekeys.size() >= kPrekeyBatch / 2) return EngineOutput{};
  return refill();
}

Output PreKeyStock::refill() {
  if (in_flight_) return EngineOutput{};  // one upload at a time: the next warning comes if still low
  // Never more one-time prekeys here than the server holds for a device: a key it refuses is one
  // nobody can use, and a hostile run of fetches must not make a device generate keys without end.
  const auto held = keys_.one_time_prekeys.size();
  const auto room = held >= kMaxOneTimePreKeys ? 0 : kMaxOneTimePreKeys - held;
  const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(kPrekeyBatch, room));
  if (count == 0 && !signed_.empty()) return EngineOutput{};
  std::optional<StoredSignedPreKey> fresh;
  if (signed_.empty()) {
    PARLEY_TRY(auto key, protocol::generate_signed_prekey(ctx_.identity.identity, protocol::SignedPreKeyId{1}, ctx_.entropy));
    fresh = StoredSignedPreKey{std::move(key), ctx_.clock()};
    PARLEY_CHECK(ctx_.store.put_signed_prekey(*fresh));
    signed_.push_back(*fresh);
    hold_signed(signed_);
  }
  return upload(count, fresh ? &fresh->key : nullptr);
}

Output PreKeyStock::rotate_if_due() {
  if (signed_.empty()) return EngineOutput{};
  const auto now = ctx_.clock();
  EngineOutput out;
  const auto& current = signed_.back();
  if (now >= current.created_ms && now - current.created_ms >= protocol::kSignedPreKeyRotationIntervalMs) {
    // A new id each time (spec §4.2); the one before it stays for its grace period, any older one goes.
    const protocol::SignedPreKeyId next{current.key.id.value + 1};
    PARLEY_TRY(auto key, protocol::generate_signed_prekey(ctx_.identity.identity, next, ctx_.entropy));
    StoredSignedPreKey rotated{std::move(key), now};
    PARLEY_CHECK(ctx_.store.put_signed_prekey(rotated));
    while (signed_.size() > 1) {
      PARLEY_CHECK(ctx_.store.delete_signed_prekey(signed_.front().key.id));
      signed_.erase(signed_.begin());
    }
    signed_.push_back(rotated);
    hold_signed(signed_);
    PARLEY_TRY(auto uploaded, upload(0, &rotated.key));
    out.append(std::move(uploaded));
  }
  // The previous key serves prekey messages until its grace period ends (inclusive), then goes.
  if (signed_.size() > 1 && now > signed_.back().created_ms + protocol::kSignedPreKeyGracePeriodMs) {
    for (std::size_t i = 0; i + 1 < signed_.size(); ++i) PARLEY_CHECK(ctx_.store.delete_signed_prekey(signed_[i].key.id));
    signed_.erase(signed_.begin(), signed_.end() - 1);
    hold_signed(signed_);
  }
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
  if (signed_.empty()) return std::optional<protocol::PreKeyBundle>{};
  PARLEY_TRY(const auto fresh, generate(1));
  const auto& signed_prekey = signed_.back().key;
  return std::optional<protocol::PreKeyBundle>(protocol::PreKeyBundle{
      protocol::RegistrationId{ctx_.identity.registration_id}, ctx_.identity.device, ctx_.identity.identity.public_key,
      signed_prekey.id, signed_prekey.key.public_key, signed_prekey.signature, fresh.front().id,
      fresh.front().key.public_key});
}

}  // namespace parley::client::engine
