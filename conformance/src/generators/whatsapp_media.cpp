// Generates spec/vectors/whatsapp-media.json (spec/test-vectors.md §3.22): WhatsApp's attachment
// encryption (spec §12) for every media type and info string, sizes around the block and chunk
// boundaries, a sticker's first frame, and each way a file can be wrong, every check of the
// verification order failing alone. Files built with the keys (seal_media_ciphertext) reach the
// checks after the MAC, which no one without the keys can.
#include <nlohmann/json.hpp>

#include "../media_plaintext.h"
#include "generators.h"
#include "parley/core/hex.h"
#include "parley/crypto/base64.h"
#include "parley/crypto/cbc_stream.h"
#include "parley/protocol/media/media_decryptor.h"
#include "parley/protocol/media/media_encryptor.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
namespace media = protocol::media;
constexpr std::string_view kSeedName = "parley whatsapp-media v1";
constexpr std::size_t kHexUpTo = 256;  // longer plaintexts and files are summarized

struct Header {
  std::string id, description, media_type;
};

std::string info_of(const std::string& media_type) { return std::string(*media::media_hkdf_info(media_type)); }

Json header_json(const Header& h, std::string_view expect, core::BytesView media_key) {
  return {{"id", h.id},
          {"description", h.description},
          {"expect", expect},
          {"media_type", h.media_type},
          {"hkdf_info", info_of(h.media_type)},
          {"media_key", core::to_hex(media_key)}};
}

Json enc_file_json(core::BytesView file) {
  if (file.size() <= kHexUpTo) return {{"length", file.size()}, {"hex", core::to_hex(file)}};
  return {{"length", file.size()},
          {"sha256", core::to_hex(crypto::sha256(file))},
          {"head_hex", core::to_hex(file.first(48))},
          {"tail_hex", core::to_hex(file.last(26))}};
}

Json accept_case(const LabelledSeed& seed, const Header& h, std::uint64_t length,
                 std::optional<std::uint64_t> first_frame = std::nullopt) {
  const auto media_key = seed.derive(h.id + "/media_key", media::kMediaKeySize);
  const auto keys = media::derive_media_keys(media_key, info_of(h.media_type)).value();
  Json plaintext_json;
  core::Bytes plaintext;
  if (length <= kHexUpTo) {
    plaintext = seed.derive(h.id + "/plaintext", length);
    plaintext_json = {{"length", length}, {"hex", core::to_hex(plaintext)}};
  } else {
    const std::string generator_seed = "parley/media/" + h.id;
    plaintext = sha256_ctr(generator_seed, length);
    plaintext_json = {{"length", length}, {"generator", kSha256CtrGenerator}, {"seed", generator_seed}};
  }
  const auto [file, summary] = media::encrypt_media(keys, plaintext, true).value();
  Json c = header_json(h, "accept", media_key);
  c["plaintext"] = plaintext_json;
  c["keys"] = {{"iv", core::to_hex(keys.iv.view())},
               {"cipher_key", core::to_hex(keys.cipher_key.view())},
               {"mac_key", core::to_hex(keys.mac_key.view())},
               {"ref_key", core::to_hex(keys.ref_key.view())}};
  c["enc_file"] = enc_file_json(file);
  c["mac"] = core::to_hex(summary.mac);
  c["file_sha256"] = core::to_hex(summary.file_sha256);
  c["file_enc_sha256"] = core::to_hex(summary.file_enc_sha256);
  c["upload_token"] = crypto::base64url_unpadded(summary.file_enc_sha256);
  c["streaming_sidecar"] = core::to_hex(summary.sidecar);
  if (first_frame) {
    c["first_frame_length"] = *first_frame;
    c["first_frame_sidecar"] =
        core::to_hex(media::first_frame_sidecar(keys.mac_key.view(), keys.iv.view(), file, *first_frame).value());
  }
  return c;
}

// A file and the hashes its media message claims, for a reject case.
struct Claimed {
  core::Bytes file;
  crypto::Sha256Digest file_sha256{};
  crypto::Sha256Digest file_enc_sha256{};
};

Json reject_case(const Header& h, core::BytesView media_key, const Claimed& claimed, media::MediaCheck stop) {
  Json c = header_json(h, "reject", media_key);
  c["enc_file"] = {{"length", claimed.file.size()}, {"hex", core::to_hex(claimed.file)}};
  c["file_sha256"] = core::to_hex(claimed.file_sha256);
  c["file_enc_sha256"] = core::to_hex(claimed.file_enc_sha256);
  c["first_failing_check"] = media::media_check_name(stop);
  return c;
}

// Raw CBC of already padded bytes (bad padding on purpose), sealed with a valid MAC.
core::Result<core::Bytes> sealed_raw(const media::MediaKeys& keys, core::Bytes padded) {
  PARLEY_TRY(auto cbc, crypto::Aes256CbcStream::start(crypto::Aes256CbcStream::Direction::encrypt,
                                                      keys.cipher_key.view(), keys.iv.view()));
  PARLEY_CHECK(cbc.process(padded));
  return media::seal_media_ciphertext(keys, padded);
}

void add_reject_cases(const LabelledSeed& seed, Json& cases) {
  const std::string type = "document";
  const auto media_key = seed.derive("reject/media_key", media::kMediaKeySize);
  const auto keys = media::derive_media_keys(media_key, info_of(type)).value();
  const auto plaintext = seed.derive("reject/plaintext", 40);
  const auto [file, summary] = media::encrypt_media(keys, plaintext, false).value();
  const auto rehashed = [&](core::BytesView bad) { return Claimed{core::to_bytes(bad), summary.file_sha256, crypto::sha256(bad)}; };
  const auto add = [&](std::string id, std::string description, const Claimed& claimed, media::MediaCheck stop,
                       const std::string& as_type = "document", core::BytesView key = {}) {
    cases.push_back(reject_case({std::move(id), std::move(description), as_type}, key.empty() ? media_key : key,
                                claimed, stop));
  };
  using media::MediaCheck;

  add("reject-length-empty", "an empty file", rehashed({}), MediaCheck::length);
  add("reject-length-mac-only", "10 bytes: a MAC and no ciphertext", rehashed(core::BytesView(file).last(10)),
      MediaCheck::length);
  auto wrong_enc = Claimed{file, summary.file_sha256, summary.file_enc_sha256};
  wrong_enc.file_enc_sha256[0] ^= 0x01;
  add("reject-file-enc-sha256", "the message names another uploaded-file hash", wrong_enc, MediaCheck::file_enc_sha256);
  auto unhashed = file;
  unhashed[5] ^= 0x20;
  add("reject-altered-unrehashed", "one ciphertext bit flipped, the hash left as the message says",
      {unhashed, summary.file_sha256, summary.file_enc_sha256}, MediaCheck::file_enc_sha256);
  add("reject-mac-ciphertext-bit", "one ciphertext bit flipped and the hash to match: the MAC fails",
      rehashed(unhashed), MediaCheck::mac);
  auto bad_tag = file;
  bad_tag.back() ^= 0x01;
  add("reject-mac-tag-bit", "one bit of the 10-byte MAC flipped", rehashed(bad_tag), MediaCheck::mac);
  add("reject-mac-truncated-byte", "the last byte cut off", rehashed(core::BytesView(file).first(file.size() - 1)),
      MediaCheck::mac);
  add("reject-mac-truncated-block", "the first block cut off", rehashed(core::BytesView(file).subspan(16)),
      MediaCheck::mac);
  auto longer = file;
  longer.push_back(0x00);
  add("reject-mac-appended-byte", "one byte appended", rehashed(longer), MediaCheck::mac);
  add("reject-mac-wrong-media-type", "an audio file's keys, used as a document's: the MAC fails",
      Claimed{file, summary.file_sha256, summary.file_enc_sha256}, MediaCheck::mac, "audio");
  const auto other_key = seed.derive("reject/other_media_key", media::kMediaKeySize);
  add("reject-mac-wrong-media-key", "another media key", Claimed{file, summary.file_sha256, summary.file_enc_sha256},
      MediaCheck::mac, type, other_key);

  for (std::size_t n : {17, 31}) {
    add("reject-block-length-" + std::to_string(n), std::to_string(n) + " bytes of ciphertext under a valid MAC",
        rehashed(media::seal_media_ciphertext(keys, seed.derive("reject/odd-" + std::to_string(n), n))),
        MediaCheck::block_length);
  }

  // Valid MACs over bad padding: 0, 17, and a right count with a wrong byte inside the padding.
  const auto padded_block = [&](std::uint8_t count, std::size_t wrong_at, std::uint8_t last) {
    core::Bytes b = seed.derive("reject/padding-body", 32);
    std::fill(b.end() - count, b.end(), count);
    if (wrong_at < 32) b[wrong_at] ^= 0x01;
    b.back() = last;
    return b;
  };
  const struct {
    std::string id, description;
    core::Bytes padded;
  } paddings[] = {
      {"reject-padding-zero", "a last byte of 0 under a valid MAC", padded_block(1, 32, 0)},
      {"reject-padding-seventeen", "a last byte of 17 under a valid MAC", padded_block(16, 32, 17)},
      {"reject-padding-inner-byte", "5 bytes of padding, the first of them wrong, under a valid MAC",
       padded_block(5, 27, 5)},
      {"reject-padding-full-block", "16 bytes of padding, one in the middle wrong, under a valid MAC",
       padded_block(16, 23, 16)},
  };
  for (const auto& p : paddings) add(p.id, p.description, rehashed(sealed_raw(keys, p.padded).value()), MediaCheck::padding);

  auto wrong_plain = Claimed{file, summary.file_sha256, summary.file_enc_sha256};
  wrong_plain.file_sha256[31] ^= 0x80;
  add("reject-file-sha256", "every check passes but the plaintext's hash", wrong_plain, MediaCheck::file_sha256);
}

}  // namespace

core::Result<std::string> generate_whatsapp_media() {
  const LabelledSeed seed(kSeedName);
  Json cases = Json::array();

  // Every media type of the table once (so every info string), with lengths that vary.
  std::uint64_t index = 0;
  for (std::string_view type : media::media_type_names()) {
    const std::string name(type);
    cases.push_back(accept_case(seed, {"type-" + name, "media type " + name, name}, (index++ * 37 + 1) % 200));
  }

  // Around the block (16) and sidecar chunk (65,536) boundaries, and several chunks.
  const std::pair<std::uint64_t, const char*> sizes[] = {
      {0, "video"},     {1, "audio"},     {15, "image"},    {16, "document"}, {17, "ptt"},
      {65535, "video"}, {65536, "audio"}, {65537, "gif"},   {65510, "ptv"},   {262155, "video"},
  };
  for (const auto& [size, type] : sizes)
    cases.push_back(accept_case(seed, {"size-" + std::to_string(size), std::to_string(size) + " bytes", type}, size));

  cases.push_back(accept_case(
      seed, {"sticker-first-frame", "an animated sticker with its first-frame sidecar (optional)", "sticker"}, 5000,
      1234));

  add_reject_cases(seed, cases);

  return vector_file_text(
      "whatsapp-media",
      "WhatsApp media encryption (spec §12; the format of ../shared/vectors/external/whatsapp-media.json, "
      "spec/test-vectors.md §3.22). keys = HKDF-SHA256(media_key, salt empty, hkdf_info, 112) split iv, "
      "cipher_key, mac_key, ref_key; enc_file = AES-256-CBC(PKCS#7) || HMAC-SHA256(mac_key, iv || ct)[0:10]; "
      "streaming_sidecar: one 10-byte HMAC per 64 KiB of iv || enc_file, each over 16 bytes more. A plaintext "
      "longer than 256 bytes is given by the sha256-ctr generator (SHA-256(seed || uint32 BE k), k = 0, 1, ... "
      "cut to length) and its enc_file by length, sha256, head_hex (48 bytes) and tail_hex (26). A reject case "
      "gives the uploaded file and the hashes its message claims; it must fail at first_failing_check of the "
      "order length, file_enc_sha256, mac, block_length, padding, file_sha256, or earlier.",
      seed, std::move(cases));
}

}  // namespace parley::conformance::detail
