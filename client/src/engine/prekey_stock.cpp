#include "prekey_stock.h"

namespace parley::client::engine {

core::Result<void> PreKeyStock::load() {
  keys_.identity_key = ctx_.identity.identity;
  keys_.registration = protocol::RegistrationId{ctx_.identity.registration_id};
  PARLEY_TRY(keys_.signed_prekeys, ctx_.store.signed_prekeys());
  PARLEY_TRY(keys_.one_time_prekeys, ctx_.store.one_time_prekeys());
  return {};
}

Output PreKeyStock::top_up() {
  if (!keys_.signed_prekeys.empty() && keys_.one_time_prekeys.size() >= kPrekeyBatch / 2) return EngineOutput{};
  return upload(kPrekeyBatch - static_cast<std::uint32_t>(std::min<std::size_t>(keys_.one_time_prekeys.size(), kPrekeyBatch)));
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

Output PreKeyStock::upload(std::uint32_t count) {
  std::optional<protocol::SignedPreKey> fresh_signed;
  if (keys_.signed_prekeys.empty()) {
    PARLEY_TRY(auto generated, protocol::generate_signed_prekey(ctx_.identity.identity, protocol::SignedPreKeyId{1}, ctx_.entropy));
    PARLEY_CHECK(ctx_.store.put_signed_prekey(generated));
    keys_.signed_prekeys.insert_or_assign(1, generated);
    fresh_signed = std::move(generated);
  }
  PARLEY_TRY(const auto keys, generate(count));
  PARLEY_TRY(auto frame, ctx_.frame(PlainRequest{}, wire::make_upload(fresh_signed ? &*fresh_signed : nullptr, keys)));
  EngineOutput out;
  out.frames.push_back(std::move(frame));
  return out;
}

core::Result<void> PreKeyStock::consume(protocol::PreKeyId id) {
  PARLEY_CHECK(ctx_.store.delete_one_time_prekey(id));
  keys_.one_time_prekeys.erase(id.value);
  return {};
}

core::Result<std::optional<protocol::PreKeyBundle>> PreKeyStock::fresh_bundle() {
  if (keys_.signed_prekeys.empty()) return std::optional<protocol::PreKeyBundle>{};
  PARLEY_TRY(const auto fresh, generate(1));
  const auto& signed_prekey = keys_.signed_prekeys.begin()->second;
  return std::optional<protocol::PreKeyBundle>(protocol::PreKeyBundle{
      protocol::RegistrationId{ctx_.identity.registration_id}, ctx_.identity.device, ctx_.identity.identity.public_key,
      signed_prekey.id, signed_prekey.key.public_key, signed_prekey.signature, fresh.front().id,
      fresh.front().key.public_key});
}

}  // namespace parley::client::engine
