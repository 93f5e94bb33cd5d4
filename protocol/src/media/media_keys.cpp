#include "parley/protocol/media/media_keys.h"

#include <array>
#include <utility>

#include "parley/crypto/hkdf.h"

namespace parley::protocol::media {

namespace {

// Spec §12.1's table: WhatsApp's media type names and the middle word of their info strings.
constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kInfo{{
    {"image", "WhatsApp Image Keys"},
    {"sticker", "WhatsApp Image Keys"},
    {"product", "WhatsApp Image Keys"},
    {"video", "WhatsApp Video Keys"},
    {"gif", "WhatsApp Video Keys"},
    {"ptv", "WhatsApp Video Keys"},
    {"audio", "WhatsApp Audio Keys"},
    {"ptt", "WhatsApp Audio Keys"},
    {"document", "WhatsApp Document Keys"},
    {"md-msg-hist", "WhatsApp History Keys"},
    {"md-app-state", "WhatsApp App State Keys"},
    {"thumbnail-link", "WhatsApp Link Thumbnail Keys"},
    {"thumbnail-image", "WhatsApp Image Thumbnail Keys"},
    {"thumbnail-video", "WhatsApp Video Thumbnail Keys"},
    {"thumbnail-document", "WhatsApp Document Thumbnail Keys"},
    {"payment-bg-image", "WhatsApp Payment Background Keys"},
    {"sticker-pack", "WhatsApp Sticker Pack Keys"},
}};

constexpr auto kNames = [] {
  std::array<std::string_view, kInfo.size()> names{};
  for (std::size_t i = 0; i < kInfo.size(); ++i) names[i] = kInfo[i].first;
  return names;
}();

}  // namespace

core::Result<MediaKeys> derive_media_keys(core::BytesView media_key, std::string_view info) {
  if (media_key.size() != kMediaKeySize) return core::make_error(core::Errc::malformed, "a media key is 32 bytes");
  PARLEY_TRY(const auto okm, crypto::hkdf_sha256(media_key, {}, core::as_bytes(info), kMediaExpandedSize));
  const core::BytesView v = okm.view();
  return MediaKeys{core::SecretArray<kMediaIvSize>(v.subspan(0, 16)), core::Key32(v.subspan(16, 32)),
                   core::Key32(v.subspan(48, 32)), core::Key32(v.subspan(80, 32))};
}

std::optional<std::string_view> media_hkdf_info(std::string_view media_type) {
  for (const auto& [name, info] : kInfo)
    if (name == media_type) return info;
  return std::nullopt;
}

std::span<const std::string_view> media_type_names() { return kNames; }

}  // namespace parley::protocol::media
