#include "parley/core/error.h"

#include <array>

namespace parley::core {
namespace {

struct NamedErrc {
  Errc code;
  std::string_view name;
};

// The published names: negative vectors and the wire refer to these.
constexpr std::array kNames{
    NamedErrc{Errc::malformed, "malformed"},
    NamedErrc{Errc::unsupported_version, "unsupported_version"},
    NamedErrc{Errc::unsupported, "unsupported"},
    NamedErrc{Errc::bad_signature, "bad_signature"},
    NamedErrc{Errc::bad_key, "bad_key"},
    NamedErrc{Errc::decrypt_failed, "decrypt_failed"},
    NamedErrc{Errc::duplicate_message, "duplicate_message"},
    NamedErrc{Errc::too_far_in_future, "too_far_in_future"},
    NamedErrc{Errc::unknown_prekey, "unknown_prekey"},
    NamedErrc{Errc::untrusted_identity, "untrusted_identity"},
    NamedErrc{Errc::no_session, "no_session"},
    NamedErrc{Errc::limit_exceeded, "limit_exceeded"},
    NamedErrc{Errc::entropy_exhausted, "entropy_exhausted"},
    NamedErrc{Errc::connection_closed, "connection_closed"},
    NamedErrc{Errc::timed_out, "timed_out"},
    NamedErrc{Errc::internal, "internal"},
    NamedErrc{Errc::not_found, "not_found"},
    NamedErrc{Errc::conflict, "conflict"},
    NamedErrc{Errc::storage_failure, "storage_failure"},
    NamedErrc{Errc::queue_full, "queue_full"},
    NamedErrc{Errc::message_too_large, "message_too_large"},
    NamedErrc{Errc::device_mismatch, "device_mismatch"},
    NamedErrc{Errc::expired, "expired"},
    NamedErrc{Errc::replayed, "replayed"},
    NamedErrc{Errc::unauthorized, "unauthorized"},
    NamedErrc{Errc::rate_limited, "rate_limited"},
    NamedErrc{Errc::too_short, "too_short"},
    NamedErrc{Errc::legacy_version, "legacy_version"},
    NamedErrc{Errc::message_version_mismatch, "message_version_mismatch"},
    NamedErrc{Errc::quota_exceeded, "quota_exceeded"},
};

}  // namespace

std::string_view errc_name(Errc code) {
  for (const auto& n : kNames)
    if (n.code == code) return n.name;
  return "unknown";
}

std::optional<Errc> errc_from_name(std::string_view name) {
  for (const auto& n : kNames)
    if (n.name == name) return n.code;
  return std::nullopt;
}

std::string to_string(const Error& e) {
  std::string out(errc_name(e.code));
  if (!e.detail.empty()) out += ": " + e.detail;
  return out;
}

}  // namespace parley::core
