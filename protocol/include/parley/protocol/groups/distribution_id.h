// A distribution id (spec §11.1): the 16 bytes of a UUID that names one sender's key for one group.
// Vector files and people write it in the UUID text form; the wire carries the 16 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parley/core/error.h"

namespace parley::protocol::groups {

using DistributionId = std::array<std::uint8_t, 16>;

// "10f34b3d-2803-4453-9d28-f34e04788f73": 8-4-4-4-12 hex digits, lowercase.
std::string distribution_id_text(const DistributionId& id);

// The same form, either case; anything else is `malformed`.
core::Result<DistributionId> parse_distribution_id(std::string_view text);

}  // namespace parley::protocol::groups
