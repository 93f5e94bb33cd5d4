// Lowercase hex, the byte encoding of every vector file and of server.pub.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::core {

std::string to_hex(BytesView bytes);

// Accepts upper- and lowercase digits; an odd length or a non-hex character is `malformed`
// (the detail names the offending position).
Result<Bytes> from_hex(std::string_view hex);

}  // namespace parley::core
