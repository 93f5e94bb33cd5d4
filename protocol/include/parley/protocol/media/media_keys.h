// The keys of one attachment (spec §12.1): a fresh 32-byte media key, expanded with HKDF-SHA256
// (empty salt) under the media type's info string into IV, cipher key, MAC key and ref key.
// WhatsApp's scheme byte for byte, so the same key and file decrypt in either.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "parley/core/error.h"
#include "parley/core/secret_array.h"

namespace parley::protocol::media {

inline constexpr std::size_t kMediaKeySize = 32;
inline constexpr std::size_t kMediaIvSize = 16;
inline constexpr std::size_t kMediaMacSize = 10;  // the uploaded file's truncated HMAC-SHA256
inline constexpr std::size_t kMediaExpandedSize = 112;

using MediaKey = core::Key32;

struct MediaKeys {
  core::SecretArray<kMediaIvSize> iv;
  core::Key32 cipher_key;
  core::Key32 mac_key;
  core::Key32 ref_key;  // derived for completeness (the vectors list it); nothing uses it
};

// `info` is the whole HKDF info string ("WhatsApp Image Keys"). A media key of another length:
// `malformed`.
core::Result<MediaKeys> derive_media_keys(core::BytesView media_key, std::string_view info);

// The info string of a media type name of spec §12.1's table ("image", "ptt", "md-app-state"...);
// nullopt for a name the table does not hold. The conformance vectors name the info string itself,
// so this table is checked against them rather than trusted by them.
std::optional<std::string_view> media_hkdf_info(std::string_view media_type);

// Every media type name of the table, in its order (for generators and tests).
std::span<const std::string_view> media_type_names();

}  // namespace parley::protocol::media
