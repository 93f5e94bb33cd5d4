// The one error type of Parley (spec §2.3). Error codes are part of the spec: negative vectors
// name them by the strings errc_name() returns, so the names never change once published.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace parley::core {

enum class Errc {
  malformed,            // bytes that do not parse: wrong length, bad encoding, bad field
  unsupported_version,  // a version this build does not speak
  unsupported,          // a feature or type this build does not implement (yet)
  bad_signature,        // a signature that does not verify
  bad_key,              // a key with a wrong type byte or length, or of small order
  decrypt_failed,       // MAC, padding and AEAD tag failures alike (no padding oracle)
  duplicate_message,
  too_far_in_future,
  unknown_prekey,
  untrusted_identity,
  no_session,
  limit_exceeded,       // a bound from limits.h was hit
  entropy_exhausted,    // a scripted Entropy ran out of bytes
  connection_closed,    // the peer closed the connection (between frames) or it was closed here
  timed_out,            // a handshake, read or write took longer than its named timeout
  internal,             // a backend failed in a way the inputs cannot explain
  // The server's storage (spec §7.1); each has its own wire ErrorCode, so the server can answer
  // without knowing which check failed.
  not_found,            // an unknown account, device or blob
  conflict,             // the request contradicts stored state (a device list rollback, a key in use)
  storage_failure,      // a write (or read) of the store failed: nothing was committed; retry later
  queue_full,           // a destination device's queue is at its cap
  message_too_large,    // a ciphertext or blob over its size limit
  device_mismatch,      // a send that does not match the destination's devices (missing/extra/stale)
  // Multi-device (spec §8).
  expired,              // past its lifetime: a QR link offer, a device list older than its maximum age
  replayed,             // a one-time thing used a second time: a link offer already scanned
  // Refusals a client hears from the server (spec §6.9), each as its own code.
  unauthorized,         // not logged in, or acting for another device or account
  rate_limited,         // a rate limit of the server; its frame says when to try again
  // Sender keys (spec §11.1): libsignal tells these apart from `malformed` and
  // `unsupported_version`, and so must a compatible receiver.
  too_short,                 // shorter than the fixed parts of its layout (version byte, signature)
  legacy_version,            // a version older than any this build speaks (libsignal's "too old")
  message_version_mismatch,  // a message whose version is not the version of the state it names
  // The blob store (spec §7.1).
  quota_exceeded,  // an upload that would take the account's blobs past its quota
};

std::string_view errc_name(Errc code);
std::optional<Errc> errc_from_name(std::string_view name);

struct Error {
  Errc code;
  std::string detail;  // for people; never contains secret material

  friend bool operator==(const Error& a, const Error& b) { return a.code == b.code; }
};

std::string to_string(const Error& e);

// A value or an Error. Small on purpose: no exceptions cross a layer edge.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Errc code() const { return error().code; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *error_; }
  Errc code() const { return error().code; }

 private:
  std::optional<Error> error_;
};

inline Error make_error(Errc code, std::string detail = {}) { return Error{code, std::move(detail)}; }

}  // namespace parley::core

// Propagates an error out of the current function: PARLEY_TRY(auto x, f());
#define PARLEY_CONCAT_INNER(a, b) a##b
#define PARLEY_CONCAT(a, b) PARLEY_CONCAT_INNER(a, b)
#define PARLEY_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                     \
  if (!tmp.ok()) return tmp.error();     \
  decl = std::move(tmp).value()
#define PARLEY_TRY(decl, expr) PARLEY_TRY_IMPL(PARLEY_CONCAT(parley_try_, __LINE__), decl, expr)
// For Result<void>.
#define PARLEY_CHECK(expr)                                                      \
  do {                                                                          \
    auto parley_check_result = (expr);                                          \
    if (!parley_check_result.ok()) return parley_check_result.error();          \
  } while (0)
