// spec §7.1, §7.2: prekey uploads and bundles, and the one conversion between a bundle's wire form
// and the protocol's (spec §4.3), used wherever a bundle travels (a fetch's reply, a retry request).
#include <algorithm>

#include "body_codec.h"
#include "parley/crypto/x25519.h"

namespace parley::wire {

UploadPreKeys make_upload(const protocol::SignedPreKey* signed_prekey,
                          std::span<const protocol::OneTimePreKey> one_time_prekeys) {
  UploadPreKeys out;
  if (signed_prekey != nullptr)
    out.signed_prekey = SignedPreKeyEntry{signed_prekey->id.value, crypto::serialize_public_key(signed_prekey->key.public_key),
                                          core::Bytes(signed_prekey->signature.begin(), signed_prekey->signature.end())};
  out.one_time_prekeys.reserve(one_time_prekeys.size());
  for (const auto& k : one_time_prekeys)
    out.one_time_prekeys.push_back({k.id.value, crypto::serialize_public_key(k.key.public_key)});
  return out;
}

core::Result<std::optional<protocol::PreKeyBundle>> to_protocol_bundle(const DeviceBundle& w) {
  protocol::PreKeyBundle b;
  b.registration_id = protocol::RegistrationId{w.registration_id};
  b.device_id = w.device;
  PARLEY_TRY(b.identity_key, crypto::parse_public_key(w.identity_key));
  if (!w.signed_prekey) return std::optional<protocol::PreKeyBundle>{};
  b.signed_prekey_id = protocol::SignedPreKeyId{w.signed_prekey->id};
  PARLEY_TRY(b.signed_prekey, crypto::parse_public_key(w.signed_prekey->public_key));
  if (w.signed_prekey->signature.size() != b.signed_prekey_signature.size())
    return core::make_error(core::Errc::malformed, "a signed prekey signature of the wrong size");
  std::copy(w.signed_prekey->signature.begin(), w.signed_prekey->signature.end(), b.signed_prekey_signature.begin());
  if (w.one_time_prekey) {
    b.prekey_id = protocol::PreKeyId{w.one_time_prekey->id};
    PARLEY_TRY(b.prekey, crypto::parse_public_key(w.one_time_prekey->public_key));
  }
  return std::optional<protocol::PreKeyBundle>(b);
}

DeviceBundle from_protocol_bundle(const protocol::PreKeyBundle& b, std::uint64_t incarnation) {
  DeviceBundle out{b.device_id, incarnation, b.registration_id.value, crypto::serialize_public_key(b.identity_key), {}, {}};
  out.signed_prekey = SignedPreKeyEntry{b.signed_prekey_id.value, crypto::serialize_public_key(b.signed_prekey),
                                        core::Bytes(b.signed_prekey_signature.begin(), b.signed_prekey_signature.end())};
  if (b.prekey_id && b.prekey) out.one_time_prekey = OneTimePreKeyEntry{b.prekey_id->value, crypto::serialize_public_key(*b.prekey)};
  return out;
}

namespace body_codec {

namespace {

void fill(schema::SignedPreKey::Builder s, const SignedPreKeyEntry& k) {
  s.setId(k.id);
  s.setPublicKey(as_data(k.public_key));
  s.setSignature(as_data(k.signature));
}

void fill(schema::OneTimePreKey::Builder o, const OneTimePreKeyEntry& k) {
  o.setId(k.id);
  o.setPublicKey(as_data(k.public_key));
}

SignedPreKeyEntry read_signed(schema::SignedPreKey::Reader s) {
  return {s.getId(), to_bytes(s.getPublicKey()), to_bytes(s.getSignature())};
}

OneTimePreKeyEntry read_one_time(schema::OneTimePreKey::Reader o) { return {o.getId(), to_bytes(o.getPublicKey())}; }

}  // namespace

void write(Body::Builder body, const UploadPreKeys& f) {
  auto u = body.initUploadPreKeys();
  if (f.signed_prekey) fill(u.initSignedPreKey(), *f.signed_prekey);
  auto list = u.initOneTimePreKeys(static_cast<unsigned>(f.one_time_prekeys.size()));
  for (unsigned i = 0; i < f.one_time_prekeys.size(); ++i) fill(list[i], f.one_time_prekeys[i]);
}

void write(Body::Builder body, const FetchPreKeys& f) { body.initFetchPreKeys().setAccountId(f.account); }

void write_bundle(schema::PreKeyBundle::Builder out, const DeviceBundle& b) {
  out.setDeviceId(b.device);
  out.setIncarnation(b.incarnation);
  out.setRegistrationId(b.registration_id);
  out.setIdentityKey(as_data(b.identity_key));
  if (b.signed_prekey) fill(out.initSignedPreKey(), *b.signed_prekey);
  if (b.one_time_prekey) fill(out.initOneTimePreKey(), *b.one_time_prekey);
}

void write(Body::Builder body, const PreKeyBundles& f) {
  auto reply = body.initPreKeyBundles();
  reply.setAccountId(f.account);
  auto list = reply.initBundles(static_cast<unsigned>(f.bundles.size()));
  for (unsigned i = 0; i < f.bundles.size(); ++i) write_bundle(list[i], f.bundles[i]);
}

DeviceBundle read_bundle(schema::PreKeyBundle::Reader b) {
  DeviceBundle out{b.getDeviceId(), b.getIncarnation(), b.getRegistrationId(), to_bytes(b.getIdentityKey()), {}, {}};
  if (b.hasSignedPreKey()) out.signed_prekey = read_signed(b.getSignedPreKey());
  if (b.hasOneTimePreKey()) out.one_time_prekey = read_one_time(b.getOneTimePreKey());
  return out;
}

UploadPreKeys read_upload_prekeys(Body::Reader body) {
  auto u = body.getUploadPreKeys();
  UploadPreKeys out;
  if (u.hasSignedPreKey()) out.signed_prekey = read_signed(u.getSignedPreKey());
  const auto list = u.getOneTimePreKeys();
  out.one_time_prekeys.reserve(list.size());
  for (auto k : list) out.one_time_prekeys.push_back(read_one_time(k));
  return out;
}

FetchPreKeys read_fetch_prekeys(Body::Reader body) { return {body.getFetchPreKeys().getAccountId()}; }

PreKeyBundles read_prekey_bundles(Body::Reader body) {
  auto b = body.getPreKeyBundles();
  PreKeyBundles out{b.getAccountId(), {}};
  const auto list = b.getBundles();
  out.bundles.reserve(list.size());
  for (auto w : list) out.bundles.push_back(read_bundle(w));
  return out;
}

std::size_t estimate_words(const UploadPreKeys& f) { return 16 + 8 * f.one_time_prekeys.size(); }
std::size_t estimate_words(const PreKeyBundles& f) { return 8 + 40 * f.bundles.size(); }

}  // namespace body_codec
}  // namespace parley::wire
