#include "parley/protocol/devices/link_offer.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace parley::protocol::devices {

namespace {

using core::Errc;

constexpr char kHexDigits[] = "0123456789ABCDEF";

void append_hex(std::string& out, core::BytesView bytes) {
  for (const auto b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
}

core::Error bad(const std::string& what) { return core::make_error(Errc::malformed, "link offer: " + what); }

// Upper-case hex of exactly `size` bytes (or 1..max when size is 0).
core::Result<core::Bytes> hex_field(std::string_view text, std::size_t size, std::size_t max, const char* name) {
  if (text.size() % 2 != 0 || (size != 0 && text.size() != 2 * size) || (size == 0 && (text.empty() || text.size() > 2 * max)))
    return bad(std::string(name) + " has the wrong length");
  core::Bytes out;
  out.reserve(text.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return bad(std::string(name) + " is not upper-case hex");
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

template <typename T>
core::Result<T> decimal_field(std::string_view text, const char* name) {
  T value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || (text.size() > 1 && text[0] == '0'))
    return bad(std::string(name) + " is not a canonical decimal number");
  return value;
}

}  // namespace

std::string encode_link_offer(const LinkOffer& offer) {
  std::string out(kLinkOfferPrefix);
  append_hex(out, offer.server_ref);
  out.push_back(':');
  append_hex(out, offer.noise_key);
  out.push_back(':');
  append_hex(out, crypto::serialize_public_key(offer.identity_key));
  out.push_back(':');
  append_hex(out, offer.noise_key_signature);
  out.push_back(':');
  append_hex(out, offer.link_secret.view());
  out.push_back(':');
  out += std::to_string(offer.registration_id);
  out.push_back(':');
  out += std::to_string(offer.expires_at_ms);
  return out;
}

core::Result<LinkOffer> parse_link_offer(std::string_view text) {
  if (text.size() > kMaxLinkOfferText) return bad("too long");
  constexpr std::string_view kAnyVersion = "PARLEY-LINK:";
  if (text.substr(0, kAnyVersion.size()) != kAnyVersion) return bad("not a Parley link offer");
  if (text.substr(0, kLinkOfferPrefix.size()) != kLinkOfferPrefix)
    return core::make_error(Errc::unsupported_version, "link offer: a version this build does not speak");
  std::vector<std::string_view> fields;
  for (auto rest = text.substr(kLinkOfferPrefix.size());;) {
    const auto colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest = rest.substr(colon + 1);
  }
  if (fields.size() != 7) return bad("expected 7 fields after the version, got " + std::to_string(fields.size()));

  LinkOffer offer;
  PARLEY_TRY(offer.server_ref, hex_field(fields[0], 0, kMaxServerRefSize, "server ref"));
  PARLEY_TRY(const auto noise, hex_field(fields[1], offer.noise_key.size(), 0, "noise key"));
  std::copy(noise.begin(), noise.end(), offer.noise_key.begin());
  PARLEY_TRY(const auto identity, hex_field(fields[2], 33, 0, "identity key"));
  PARLEY_TRY(offer.identity_key, crypto::parse_public_key(identity));
  PARLEY_TRY(const auto signature, hex_field(fields[3], crypto::kSignatureSize, 0, "noise key signature"));
  std::copy(signature.begin(), signature.end(), offer.noise_key_signature.begin());
  PARLEY_TRY(auto secret, hex_field(fields[4], kLinkSecretSize, 0, "link secret"));
  offer.link_secret = core::SecretArray<kLinkSecretSize>(secret);
  core::secure_zero(secret.data(), secret.size());
  PARLEY_TRY(offer.registration_id, decimal_field<std::uint32_t>(fields[5], "registration id"));
  PARLEY_TRY(offer.expires_at_ms, decimal_field<std::uint64_t>(fields[6], "expiry"));
  if (!crypto::xeddsa_verify(offer.identity_key, offer.noise_key, offer.noise_key_signature).ok())
    return core::make_error(Errc::bad_signature, "link offer: the identity key did not sign the Noise key");
  return offer;
}

}  // namespace parley::protocol::devices
