#include "parley/protocol/media/media_decryptor.h"

#include <algorithm>
#include <array>

#include "parley/core/secret_bytes.h"

namespace parley::protocol::media {

namespace {

using crypto::kAesBlockSize;

// Held back until finish(): the MAC and at least the last ciphertext block, whose padding only
// finish() may judge.
constexpr std::size_t kHeldBack = kMediaMacSize + kAesBlockSize;

constexpr std::array<std::string_view, 6> kCheckNames{"length",       "file_enc_sha256", "mac",
                                                      "block_length", "padding",         "file_sha256"};

// Strict PKCS#7 over the last block: n in 1..16 and all n bytes equal to n, looked at without
// an early exit (the MAC already passed, so this is hygiene rather than an oracle defence).
std::optional<std::size_t> strict_pad_length(core::BytesView last_block) {
  const std::uint8_t n = last_block.back();
  std::uint8_t bad = static_cast<std::uint8_t>((n == 0) | (n > kAesBlockSize));
  for (std::size_t i = 0; i < kAesBlockSize; ++i) {
    const bool in_pad = i >= kAesBlockSize - std::min<std::size_t>(n, kAesBlockSize);
    bad |= static_cast<std::uint8_t>(in_pad & (last_block[i] != n));
  }
  if (bad != 0) return std::nullopt;
  return n;
}

}  // namespace

std::string_view media_check_name(MediaCheck check) { return kCheckNames[static_cast<std::size_t>(check)]; }

std::optional<MediaCheck> media_check_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kCheckNames.size(); ++i)
    if (kCheckNames[i] == name) return static_cast<MediaCheck>(i);
  return std::nullopt;
}

MediaDecryptor::MediaDecryptor(crypto::Aes256CbcStream cbc, crypto::HmacSha256 mac, const MediaExpectation& expected)
    : cbc_(std::move(cbc)), mac_(std::move(mac)), expected_(expected) {}

core::Result<MediaDecryptor> MediaDecryptor::start(const MediaKeys& keys, const MediaExpectation& expected) {
  PARLEY_TRY(auto cbc, crypto::Aes256CbcStream::start(crypto::Aes256CbcStream::Direction::decrypt,
                                                      keys.cipher_key.view(), keys.iv.view()));
  crypto::HmacSha256 mac(keys.mac_key.view());
  mac.update(keys.iv.view());
  return MediaDecryptor(std::move(cbc), std::move(mac), expected);
}

core::Result<void> MediaDecryptor::update(core::BytesView enc, core::Bytes& unverified) {
  if (finished_) return core::make_error(core::Errc::internal, "update after finish");
  enc_hash_.update(enc);
  enc_length_ += enc.size();
  const std::size_t available = tail_.size() + enc.size();
  if (available < kHeldBack + kAesBlockSize) {
    tail_.insert(tail_.end(), enc.begin(), enc.end());
    return {};
  }
  // Every whole block that leaves at least kHeldBack bytes behind can go: it is neither the last
  // block nor part of the MAC, whatever the file's length turns out to be.
  const std::size_t ready = (available - kHeldBack) / kAesBlockSize * kAesBlockSize;
  const std::size_t from = unverified.size();
  unverified.resize(from + ready);
  const std::size_t from_tail = std::min(ready, tail_.size());
  std::copy_n(tail_.data(), from_tail, unverified.data() + from);
  const std::size_t from_enc = ready - from_tail;
  std::copy_n(enc.data(), from_enc, unverified.data() + from + from_tail);
  tail_.erase(tail_.begin(), tail_.begin() + static_cast<std::ptrdiff_t>(from_tail));
  tail_.insert(tail_.end(), enc.begin() + static_cast<std::ptrdiff_t>(from_enc), enc.end());

  const auto blocks = std::span(unverified).subspan(from);
  mac_.update(blocks);
  PARLEY_CHECK(cbc_.process(blocks));
  plain_hash_.update(blocks);
  return {};
}

core::Result<void> MediaDecryptor::fail(MediaCheck check, core::Errc code, std::string detail) {
  failed_ = check;
  return core::make_error(code, std::move(detail));
}

core::Result<void> MediaDecryptor::finish(core::Bytes& unverified) {
  if (finished_) return core::make_error(core::Errc::internal, "finish twice");
  finished_ = true;
  if (enc_length_ <= kMediaMacSize)
    return fail(MediaCheck::length, core::Errc::malformed, "an uploaded file is longer than its 10-byte MAC");
  if (!core::constant_time_equal(enc_hash_.final(), expected_.file_enc_sha256))
    return fail(MediaCheck::file_enc_sha256, core::Errc::decrypt_failed, "the uploaded file's SHA-256 differs");

  // tail_ holds the whole file when it is short; otherwise the last 26 to 41 bytes.
  const core::BytesView rest(tail_.data(), tail_.size() - kMediaMacSize);
  mac_.update(rest);
  auto mac = mac_.final();
  const bool mac_ok = core::constant_time_equal(core::BytesView(mac).first(kMediaMacSize),
                                                core::BytesView(tail_).last(kMediaMacSize));
  if (!mac_ok) return fail(MediaCheck::mac, core::Errc::decrypt_failed, "the media MAC does not verify");
  if ((enc_length_ - kMediaMacSize) % kAesBlockSize != 0)
    return fail(MediaCheck::block_length, core::Errc::decrypt_failed, "the ciphertext is not whole blocks");

  core::SecretBytes last(rest);
  PARLEY_CHECK(cbc_.process(last.span()));
  const auto pad = strict_pad_length(last.view().last(kAesBlockSize));
  if (!pad) return fail(MediaCheck::padding, core::Errc::decrypt_failed, "bad PKCS#7 padding");
  const auto kept = last.view().first(last.size() - *pad);
  plain_hash_.update(kept);
  if (!core::constant_time_equal(plain_hash_.final(), expected_.file_sha256))
    return fail(MediaCheck::file_sha256, core::Errc::decrypt_failed, "the plaintext's SHA-256 differs");
  unverified.insert(unverified.end(), kept.begin(), kept.end());
  return {};
}

core::Result<core::Bytes> decrypt_media(const MediaKeys& keys, const MediaExpectation& expected,
                                        core::BytesView enc_file, std::optional<MediaCheck>* failed) {
  PARLEY_TRY(auto decryptor, MediaDecryptor::start(keys, expected));
  core::Bytes plaintext;
  plaintext.reserve(enc_file.size());
  PARLEY_CHECK(decryptor.update(enc_file, plaintext));
  auto done = decryptor.finish(plaintext);
  if (failed != nullptr) *failed = decryptor.failed_check();
  if (!done) {
    core::secure_zero(plaintext.data(), plaintext.size());
    return done.error();
  }
  return plaintext;
}

}  // namespace parley::protocol::media
