#include "parley/protocol/fingerprint.h"

#include <algorithm>
#include <cstdio>

namespace parley::protocol {

crypto::Sha512Digest fingerprint_hash(const FingerprintSide& side, std::uint32_t iterations) {
  const auto key = crypto::serialize_public_key(side.identity_key);
  core::Bytes input = {0x00, 0x00};  // libsignal's fingerprint version 0
  core::append(input, key);
  core::append(input, core::as_bytes(side.stable_id));
  core::append(input, key);
  auto h = crypto::sha512(input);
  core::Bytes next(h.size() + key.size());
  for (std::uint32_t i = 1; i < iterations; ++i) {
    std::copy(h.begin(), h.end(), next.begin());
    std::copy(key.begin(), key.end(), next.begin() + static_cast<std::ptrdiff_t>(h.size()));
    h = crypto::sha512(next);
  }
  return h;
}

namespace {

std::string thirty_digits(const crypto::Sha512Digest& h) {
  std::string out;
  for (std::size_t group = 0; group < 6; ++group) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 5; ++i) v = v << 8 | h[group * 5 + i];
    char digits[6];
    std::snprintf(digits, sizeof digits, "%05llu", static_cast<unsigned long long>(v % 100000));
    out += digits;
  }
  return out;
}

}  // namespace

std::string safety_number(const FingerprintSide& local, const FingerprintSide& remote, std::uint32_t iterations) {
  const auto a = thirty_digits(fingerprint_hash(local, iterations));
  const auto b = thirty_digits(fingerprint_hash(remote, iterations));
  return a < b ? a + b : b + a;
}

std::string account_stable_id(std::uint64_t account) { return std::to_string(account); }

}  // namespace parley::protocol
