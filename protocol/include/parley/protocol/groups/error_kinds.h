// libsignal's sender-key error kinds (the `error_kinds` of the signal-sender-key vector files) and
// the Parley error code each maps to, one to one (spec §11.1, "Errors").
#pragma once

#include <optional>
#include <string_view>

#include "parley/core/error.h"

namespace parley::protocol::groups {

// The kind's stable name for a code, or nullopt for a code no kind maps to.
std::optional<std::string_view> sender_key_error_kind(core::Errc code);
std::optional<core::Errc> errc_for_sender_key_error_kind(std::string_view kind);

}  // namespace parley::protocol::groups
