// Base64 (Botan) in the URL-safe alphabet without padding (RFC 4648 §5): how WhatsApp names an
// uploaded media file by its hash (spec §12.1, `upload_token`).
#pragma once

#include <string>

#include "parley/core/bytes.h"

namespace parley::crypto {

std::string base64url_unpadded(core::BytesView data);

}  // namespace parley::crypto
