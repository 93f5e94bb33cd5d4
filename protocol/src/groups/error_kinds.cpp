#include "parley/protocol/groups/error_kinds.h"

#include <array>

namespace parley::protocol::groups {
namespace {

using core::Errc;

struct Kind {
  std::string_view name;
  Errc code;
};

// spec §11.1, "Errors": one code per kind, so a receiver can tell every case apart.
constexpr std::array kKinds{
    Kind{"too_short", Errc::too_short},
    Kind{"legacy_version", Errc::legacy_version},
    Kind{"unrecognized_version", Errc::unsupported_version},
    Kind{"invalid_protobuf", Errc::malformed},
    Kind{"bad_key_type", Errc::bad_key},
    Kind{"no_sender_key", Errc::no_session},
    Kind{"unrecognized_message_version", Errc::message_version_mismatch},
    Kind{"bad_signature", Errc::bad_signature},
    Kind{"duplicate", Errc::duplicate_message},
    Kind{"too_far_ahead", Errc::too_far_in_future},
    Kind{"invalid_message", Errc::decrypt_failed},
};

}  // namespace

std::optional<std::string_view> sender_key_error_kind(Errc code) {
  for (const auto& k : kKinds)
    if (k.code == code) return k.name;
  return std::nullopt;
}

std::optional<Errc> errc_for_sender_key_error_kind(std::string_view kind) {
  for (const auto& k : kKinds)
    if (k.name == kind) return k.code;
  return std::nullopt;
}

}  // namespace parley::protocol::groups
