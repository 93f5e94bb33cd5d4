// Type `whatsapp-media` (spec/test-vectors.md §3.22): WhatsApp's attachment encryption (spec §12).
// The keys come from the case's own `hkdf_info`, never from our table of media types (the table is
// checked against the case instead). An accepted case is encrypted in uneven pieces and must give
// every listed value, then decrypt back; a rejected case must fail with a typed error at or before
// its `first_failing_check`.
#include <algorithm>

#include "../media_plaintext.h"
#include "checks.h"
#include "parley/core/hex.h"
#include "parley/crypto/base64.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"
#include "verifiers.h"

namespace parley::conformance::detail {

namespace {

namespace media = protocol::media;

// Uneven pieces (a prime size) so the verifier exercises the streaming path, not one call.
constexpr std::size_t kPiece = 4099;

core::Result<Outcome> compare_keys(const Case& c, const media::MediaKeys& keys) {
  if (!c.has("keys")) return Outcome::pass();
  PARLEY_TRY(const Case k, child(c, "keys"));
  const std::pair<const char*, core::BytesView> fields[] = {{"iv", keys.iv.view()},
                                                            {"cipher_key", keys.cipher_key.view()},
                                                            {"mac_key", keys.mac_key.view()},
                                                            {"ref_key", keys.ref_key.view()}};
  for (const auto& [name, actual] : fields) {
    if (!k.has(name)) continue;
    PARLEY_TRY(const auto expected, k.bytes(name));
    if (auto o = compare(std::string("keys.") + name, expected, actual); failed(o)) return o;
  }
  return Outcome::pass();
}

// Our table must name the case's info string for its media type; a type the table lacks is the
// case's business (the keys still come from hkdf_info).
core::Result<Outcome> check_info_table(const Case& c, const std::string& info) {
  PARLEY_TRY(const auto type, c.string("media_type"));
  const auto ours = media::media_hkdf_info(type);
  if (ours && *ours != info)
    return Outcome::fail("media type '" + type + "': our table says '" + std::string(*ours) + "', the case '" + info + "'");
  return Outcome::pass();
}

// enc_file is {length, hex} or, for long files, {length, sha256, head_hex, tail_hex}.
core::Result<Outcome> compare_enc_file(const Case& c, core::BytesView file) {
  PARLEY_TRY(const Case e, child(c, "enc_file"));
  PARLEY_TRY(const auto length, e.uint("length"));
  if (length != file.size())
    return Outcome::fail("enc_file.length: expected " + std::to_string(length) + ", got " + std::to_string(file.size()));
  if (e.has("hex")) {
    PARLEY_TRY(const auto hex, e.bytes("hex"));
    return compare("enc_file.hex", hex, file);
  }
  PARLEY_TRY(const auto sha, e.bytes("sha256"));
  if (auto o = compare("enc_file.sha256", sha, crypto::sha256(file)); failed(o)) return o;
  PARLEY_TRY(const auto head, e.bytes("head_hex"));
  PARLEY_TRY(const auto tail, e.bytes("tail_hex"));
  if (head.size() > file.size() || tail.size() > file.size())
    return e.field_error("head_hex", "longer than the file");
  if (auto o = compare("enc_file.head_hex", head, file.first(head.size())); failed(o)) return o;
  return compare("enc_file.tail_hex", tail, file.last(tail.size()));
}

core::Result<std::pair<core::Bytes, media::MediaSummary>> encrypt_in_pieces(const media::MediaKeys& keys,
                                                                            core::BytesView plaintext) {
  PARLEY_TRY(auto encryptor, media::MediaEncryptor::start(keys, true));
  core::Bytes file;
  for (std::size_t at = 0; at < plaintext.size(); at += kPiece)
    PARLEY_CHECK(encryptor.update(plaintext.subspan(at, std::min(kPiece, plaintext.size() - at)), file));
  PARLEY_TRY(auto summary, encryptor.finish(file));
  return std::pair{std::move(file), std::move(summary)};
}

core::Result<Outcome> verify_accept(const Case& c, const media::MediaKeys& keys) {
  PARLEY_TRY(const Case plaintext_case, child(c, "plaintext"));
  PARLEY_TRY(const auto plaintext, read_media_plaintext(plaintext_case));
  auto encrypted = encrypt_in_pieces(keys, plaintext);
  if (!encrypted) return unexpected_error("encrypt", encrypted.error());
  const auto& [file, summary] = *encrypted;

  if (auto o = compare_enc_file(c, file); !o || failed(*o)) return o;
  PARLEY_TRY(const auto mac, c.bytes("mac"));
  if (auto o = compare("mac", mac, summary.mac); failed(o)) return o;
  PARLEY_TRY(const auto file_sha256, c.bytes("file_sha256"));
  if (auto o = compare("file_sha256", file_sha256, summary.file_sha256); failed(o)) return o;
  PARLEY_TRY(const auto file_enc_sha256, c.bytes("file_enc_sha256"));
  if (auto o = compare("file_enc_sha256", file_enc_sha256, summary.file_enc_sha256); failed(o)) return o;
  if (c.has("upload_token")) {
    PARLEY_TRY(const auto token, c.string("upload_token"));
    const auto ours = crypto::base64url_unpadded(summary.file_enc_sha256);
    if (token != ours) return Outcome::fail("upload_token: expected " + token + ", got " + ours);
  }
  if (c.has("streaming_sidecar")) {
    PARLEY_TRY(const auto sidecar, c.bytes("streaming_sidecar"));
    if (auto o = compare("streaming_sidecar", sidecar, summary.sidecar); failed(o)) return o;
  }
  if (c.has("first_frame_length")) {  // optional: a sticker's first-frame sidecar
    PARLEY_TRY(const auto length, c.uint("first_frame_length"));
    PARLEY_TRY(const auto expected, c.bytes("first_frame_sidecar"));
    auto ours = media::first_frame_sidecar(keys.mac_key.view(), keys.iv.view(), file, length);
    if (!ours) return unexpected_error("first_frame_sidecar", ours.error());
    if (auto o = compare("first_frame_sidecar", expected, *ours); failed(o)) return o;
  }
  // And back, checking against the case's own hashes.
  auto decrypted = media::decrypt_media(keys, {summary.file_sha256, summary.file_enc_sha256}, file);
  if (!decrypted) return unexpected_error("decrypt", decrypted.error());
  return compare("decrypted plaintext", plaintext, *decrypted);
}

core::Result<crypto::Sha256Digest> digest_field(const Case& c, const char* field) {
  PARLEY_TRY(const auto bytes, c.bytes(field));
  if (bytes.size() != 32) return c.field_error(field, "a SHA-256 is 32 bytes");
  crypto::Sha256Digest d;
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

core::Result<Outcome> verify_reject(const Case& c, const media::MediaKeys& keys) {
  PARLEY_TRY(const auto stop_name, c.string("first_failing_check"));
  const auto stop = media::media_check_from_name(stop_name);
  if (!stop) return c.field_error("first_failing_check", "not a check of the verification order");
  PARLEY_TRY(const Case e, child(c, "enc_file"));
  PARLEY_TRY(const auto file, e.bytes("hex"));
  PARLEY_TRY(const auto file_sha256, digest_field(c, "file_sha256"));
  PARLEY_TRY(const auto file_enc_sha256, digest_field(c, "file_enc_sha256"));

  std::optional<media::MediaCheck> failed_at;
  const auto result = media::decrypt_media(keys, {file_sha256, file_enc_sha256}, file, &failed_at);
  if (result) return Outcome::fail("accepted a file that must fail at " + stop_name);
  if (!failed_at) return unexpected_error("decrypt", result.error());
  if (*failed_at > *stop)
    return Outcome::fail("failed at " + std::string(media::media_check_name(*failed_at)) + ", after " + stop_name);
  // The code is fixed by the check (spec §12.1): only a short file is `malformed`.
  const auto code = *failed_at == media::MediaCheck::length ? core::Errc::malformed : core::Errc::decrypt_failed;
  if (result.code() != code) return unexpected_error("decrypt", result.error());
  return Outcome::pass(std::string(media::media_check_name(*failed_at)));
}

}  // namespace

core::Result<Outcome> verify_whatsapp_media(const Case& c) {
  PARLEY_TRY(const auto info, c.string("hkdf_info"));
  PARLEY_TRY(const auto media_key, c.bytes("media_key"));
  auto keys = media::derive_media_keys(media_key, info);
  if (!keys) return c.field_error("media_key", keys.error().detail);
  if (auto o = check_info_table(c, info); !o || failed(*o)) return o;
  if (auto o = compare_keys(c, *keys); !o || failed(*o)) return o;
  PARLEY_TRY(const auto expect, c.string("expect"));
  if (expect == "accept") return verify_accept(c, *keys);
  if (expect == "reject") return verify_reject(c, *keys);
  return c.field_error("expect", "must be accept or reject");
}

}  // namespace parley::conformance::detail
