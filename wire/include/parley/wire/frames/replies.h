// The server's generic answers (spec §6.9): `ok`, and `error` with its wire code. The one mapping
// between the codes of spec §2.3 (core::Errc) and the wire's ErrorCode lives here, for both
// directions: the server sends each Errc as the code spec §7.2 names, and a client turns each code
// back into its own Errc (never a blanket `internal`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parley/core/error.h"

namespace parley::wire {

// frames.capnp ErrorCode, value for value.
enum class ErrorCode : std::uint16_t {
  malformed = 0,
  unsupported_version = 1,
  unauthorized = 2,
  device_mismatch = 3,
  rate_limited = 4,
  queue_full = 5,
  message_too_large = 6,
  storage_failure = 7,
  not_found = 8,
  conflict = 9,
  prekeys_low = 10,  // a warning, not a refusal
  unsupported = 11,
  quota_exceeded = 12,
};

// server -> device: a request that answers nothing else succeeded.
struct Ok {
  friend bool operator==(const Ok&, const Ok&) = default;
};

// server -> device: a refusal (with the request's id) or a push (request id 0).
// One account's part of a group send's deviceMismatch (spec §11.3).
struct AccountMismatch {
  std::uint64_t account = 0;
  std::vector<std::uint32_t> missing_devices, extra_devices, stale_devices;
  friend bool operator==(const AccountMismatch&, const AccountMismatch&) = default;
};

struct ErrorFrame {
  ErrorCode code = ErrorCode::malformed;
  std::string detail;  // for people, never parsed; at most kMaxErrorDetail bytes are sent
  std::vector<std::uint32_t> missing_devices, extra_devices, stale_devices;  // deviceMismatch
  std::uint64_t retry_after_ms = 0;                                          // rateLimited
  std::vector<AccountMismatch> account_mismatches{};                         // deviceMismatch of a groupSend
  friend bool operator==(const ErrorFrame&, const ErrorFrame&) = default;
};

// Error details are for people; a bound keeps error frames small whatever a detail says.
inline constexpr std::size_t kMaxErrorDetail = 1024;

// The code an Errc travels as (spec §7.2: malformed, bad_key and limit_exceeded as `malformed`,
// bad_signature and untrusted_identity as `unauthorized`, storage_failure and internal as
// `storageFailure`; the rest by name).
ErrorCode error_code_for(core::Errc code);
// The Errc a client reports for a code: each its own (unauthorized, rate_limited, queue_full,
// not_found, ...); a code this build does not know is `unsupported`.
core::Errc errc_for(ErrorCode code);

// An error frame saying `e` (its name and detail, as spec §7.2 answers a refused request).
ErrorFrame error_frame(const core::Error& e);
// What a client makes of an error frame: errc_for(code) with the server's detail.
core::Error to_error(const ErrorFrame& frame);

}  // namespace parley::wire
