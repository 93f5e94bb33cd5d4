// fuzz_media_file: a downloaded attachment, checked and decrypted (spec §12.1) under fixed keys.
// Input: byte 0 = mode, byte 1 = piece size - 1, the rest = F.
//   mode & 1: the message claims SHA-256(file) as the uploaded file's hash (the fuzzer gets past
//             check 2); else a hash that no input has.
//   mode & 2: the file is F sealed with a valid MAC (seal_media_ciphertext), so the fuzzer's bytes
//             reach the block length, padding and plaintext hash checks.
// Properties: every outcome is the plaintext or a typed error naming one check; the outcome and
// the check are the same whatever the pieces; and, differentially against the one-shot PKCS#7
// cipher (Botan's), a sealed file is accepted exactly when that cipher unpads it, with its bytes.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <optional>

#include "check.h"
#include "parley/crypto/cipher.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"

namespace {

namespace media = parley::protocol::media;
using parley::core::Bytes;
using parley::core::BytesView;
using parley::core::Errc;

const media::MediaKeys& keys() {
  static const auto k = media::derive_media_keys(Bytes(32, 0x42), "WhatsApp Video Keys").value();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 70000) return 0;
  const std::uint8_t mode = data[0];
  const std::size_t piece = std::size_t{data[1]} + 1;
  const BytesView fuzzed(data + 2, size - 2);
  const Bytes file = (mode & 2) ? media::seal_media_ciphertext(keys(), fuzzed) : Bytes(fuzzed.begin(), fuzzed.end());

  media::MediaExpectation expected{};
  expected.file_enc_sha256 = (mode & 1 || mode & 2) ? parley::crypto::sha256(file) : parley::crypto::Sha256Digest{};
  // The reference: Botan's whole-message CBC with PKCS#7, on the ciphertext part.
  std::optional<Bytes> reference;
  if (file.size() > media::kMediaMacSize) {
    auto r = parley::crypto::aes256_cbc_decrypt(keys().cipher_key.view(), keys().iv.view(),
                                                BytesView(file).first(file.size() - media::kMediaMacSize));
    if (r.ok()) reference = *r;
  }
  if (reference) expected.file_sha256 = parley::crypto::sha256(*reference);

  std::optional<media::MediaCheck> whole_check;
  const auto whole = media::decrypt_media(keys(), expected, file, &whole_check);

  auto decryptor = media::MediaDecryptor::start(keys(), expected).value();
  Bytes pieces_out;
  for (std::size_t at = 0; at < file.size(); at += piece)
    PARLEY_FUZZ_CHECK(decryptor.update(BytesView(file).subspan(at, std::min(piece, file.size() - at)), pieces_out).ok());
  const auto in_pieces = decryptor.finish(pieces_out);

  PARLEY_FUZZ_CHECK(whole.ok() == in_pieces.ok());
  PARLEY_FUZZ_CHECK(whole_check == decryptor.failed_check());
  if (whole.ok()) {
    PARLEY_FUZZ_CHECK(*whole == pieces_out);
    PARLEY_FUZZ_CHECK(!whole_check.has_value());
  } else {
    PARLEY_FUZZ_CHECK(whole_check.has_value());
    PARLEY_FUZZ_CHECK(whole.code() == (*whole_check == media::MediaCheck::length ? Errc::malformed : Errc::decrypt_failed));
  }
  if (mode & 2 && file.size() > media::kMediaMacSize) {
    // Sealed: the hash and the MAC hold, so the outcome is the reference's.
    PARLEY_FUZZ_CHECK(whole.ok() == reference.has_value());
    if (reference) PARLEY_FUZZ_CHECK(*whole == *reference);
    if (!reference) PARLEY_FUZZ_CHECK(*whole_check == media::MediaCheck::block_length || *whole_check == media::MediaCheck::padding);
  }
  return 0;
}
