#include "parley/protocol/media/media_encryptor.h"

#include <algorithm>

namespace parley::protocol::media {

using crypto::kAesBlockSize;

MediaEncryptor::MediaEncryptor(crypto::Aes256CbcStream cbc, crypto::HmacSha256 mac,
                               std::optional<SidecarAccumulator> sidecar)
    : cbc_(std::move(cbc)), mac_(std::move(mac)), sidecar_(std::move(sidecar)) {}

core::Result<MediaEncryptor> MediaEncryptor::start(const MediaKeys& keys, bool with_sidecar) {
  PARLEY_TRY(auto cbc, crypto::Aes256CbcStream::start(crypto::Aes256CbcStream::Direction::encrypt,
                                                      keys.cipher_key.view(), keys.iv.view()));
  // The MAC and the sidecar both cover the IV before the ciphertext (S = IV || file).
  crypto::HmacSha256 mac(keys.mac_key.view());
  mac.update(keys.iv.view());
  std::optional<SidecarAccumulator> sidecar;
  if (with_sidecar) {
    sidecar.emplace(keys.mac_key.view());
    sidecar->update(keys.iv.view());
  }
  return MediaEncryptor(std::move(cbc), std::move(mac), std::move(sidecar));
}

core::Result<void> MediaEncryptor::seal_blocks(core::Bytes& out, std::size_t from) {
  const auto blocks = std::span(out).subspan(from);
  PARLEY_CHECK(cbc_.process(blocks));
  mac_.update(blocks);
  enc_hash_.update(blocks);
  if (sidecar_) sidecar_->update(blocks);
  enc_length_ += blocks.size();
  return {};
}

core::Result<void> MediaEncryptor::update(core::BytesView plaintext, core::Bytes& out) {
  if (finished_) return core::make_error(core::Errc::internal, "update after finish");
  plain_hash_.update(plaintext);
  plaintext_length_ += plaintext.size();
  const std::size_t available = carry_size_ + plaintext.size();
  const std::size_t whole = available / kAesBlockSize * kAesBlockSize;
  if (whole == 0) {
    std::copy_n(plaintext.data(), plaintext.size(), carry_.data() + carry_size_);
    carry_size_ += plaintext.size();
    return {};
  }
  // Copy the carried bytes and as much of the input as fills whole blocks into `out`, encrypt
  // there in place, and carry what is left.
  const std::size_t from = out.size();
  out.resize(from + whole);
  std::copy_n(carry_.data(), carry_size_, out.data() + from);
  const std::size_t taken = whole - carry_size_;
  std::copy_n(plaintext.data(), taken, out.data() + from + carry_size_);
  carry_size_ = plaintext.size() - taken;
  std::copy_n(plaintext.data() + taken, carry_size_, carry_.data());
  return seal_blocks(out, from);
}

core::Result<MediaSummary> MediaEncryptor::finish(core::Bytes& out) {
  if (finished_) return core::make_error(core::Errc::internal, "finish twice");
  finished_ = true;
  // PKCS#7: 1 to 16 bytes each holding the count; a whole block of 16 when nothing is carried.
  const auto pad = static_cast<std::uint8_t>(kAesBlockSize - carry_size_);
  const std::size_t from = out.size();
  out.resize(from + kAesBlockSize);
  std::copy_n(carry_.data(), carry_size_, out.data() + from);
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(from + carry_size_), out.end(), pad);
  PARLEY_CHECK(seal_blocks(out, from));

  MediaSummary summary;
  auto full_mac = mac_.final();
  std::copy_n(full_mac.begin(), kMediaMacSize, summary.mac.begin());
  out.insert(out.end(), summary.mac.begin(), summary.mac.end());
  enc_hash_.update(summary.mac);
  if (sidecar_) {
    sidecar_->update(summary.mac);
    summary.sidecar = sidecar_->finish();
  }
  summary.file_sha256 = plain_hash_.final();
  summary.file_enc_sha256 = enc_hash_.final();
  summary.plaintext_length = plaintext_length_;
  summary.enc_length = enc_length_ + kMediaMacSize;
  return summary;
}

core::Result<std::pair<core::Bytes, MediaSummary>> encrypt_media(const MediaKeys& keys, core::BytesView plaintext,
                                                                 bool with_sidecar) {
  PARLEY_TRY(auto encryptor, MediaEncryptor::start(keys, with_sidecar));
  core::Bytes file;
  file.reserve(plaintext.size() + kAesBlockSize + kMediaMacSize);
  PARLEY_CHECK(encryptor.update(plaintext, file));
  PARLEY_TRY(auto summary, encryptor.finish(file));
  return std::pair{std::move(file), std::move(summary)};
}

core::Bytes seal_media_ciphertext(const MediaKeys& keys, core::BytesView ciphertext) {
  crypto::HmacSha256 mac(keys.mac_key.view());
  mac.update(keys.iv.view());
  mac.update(ciphertext);
  const auto full = mac.final();
  core::Bytes file(ciphertext.begin(), ciphertext.end());
  file.insert(file.end(), full.begin(), full.begin() + kMediaMacSize);
  return file;
}

}  // namespace parley::protocol::media
