// spec §6.9, §7.2: ok, error frames, and the mapping between Errc and the wire's ErrorCode.
#include <algorithm>

#include "body_codec.h"

namespace parley::wire {

using core::Errc;

ErrorCode error_code_for(Errc code) {
  switch (code) {
    case Errc::unsupported_version: return ErrorCode::unsupported_version;
    case Errc::bad_signature:
    case Errc::untrusted_identity:
    case Errc::unauthorized: return ErrorCode::unauthorized;
    case Errc::device_mismatch: return ErrorCode::device_mismatch;
    case Errc::rate_limited: return ErrorCode::rate_limited;
    case Errc::queue_full: return ErrorCode::queue_full;
    case Errc::message_too_large: return ErrorCode::message_too_large;
    case Errc::storage_failure:
    case Errc::internal: return ErrorCode::storage_failure;
    case Errc::not_found: return ErrorCode::not_found;
    case Errc::conflict: return ErrorCode::conflict;
    case Errc::unsupported: return ErrorCode::unsupported;
    case Errc::quota_exceeded: return ErrorCode::quota_exceeded;
    default: return ErrorCode::malformed;  // malformed, bad_key, limit_exceeded: a bad request
  }
}

Errc errc_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::malformed: return Errc::malformed;
    case ErrorCode::unsupported_version: return Errc::unsupported_version;
    case ErrorCode::unauthorized: return Errc::unauthorized;
    case ErrorCode::device_mismatch: return Errc::device_mismatch;
    case ErrorCode::rate_limited: return Errc::rate_limited;
    case ErrorCode::queue_full: return Errc::queue_full;
    case ErrorCode::message_too_large: return Errc::message_too_large;
    case ErrorCode::storage_failure: return Errc::storage_failure;
    case ErrorCode::not_found: return Errc::not_found;
    case ErrorCode::conflict: return Errc::conflict;
    case ErrorCode::prekeys_low: return Errc::limit_exceeded;
    case ErrorCode::unsupported: return Errc::unsupported;
    case ErrorCode::quota_exceeded: return Errc::quota_exceeded;
  }
  return Errc::unsupported;  // a code added after this build
}

ErrorFrame error_frame(const core::Error& e) {
  return ErrorFrame{error_code_for(e.code), std::string(core::errc_name(e.code)) + ": " + e.detail, {}, {}, {}, 0, {}};
}

core::Error to_error(const ErrorFrame& frame) { return core::make_error(errc_for(frame.code), "the server refused: " + frame.detail); }

namespace body_codec {

namespace {

void set_ids(capnp::List<std::uint32_t>::Builder out, const std::vector<std::uint32_t>& ids) {
  for (unsigned i = 0; i < ids.size(); ++i) out.set(i, ids[i]);
}

std::vector<std::uint32_t> ids(capnp::List<std::uint32_t>::Reader in) {
  std::vector<std::uint32_t> out;
  out.reserve(in.size());
  for (const auto id : in) out.push_back(id);
  return out;
}

std::size_t account_mismatch_words(const ErrorFrame& f) {
  std::size_t words = 0;
  for (const auto& m : f.account_mismatches)
    words += 8 + (m.missing_devices.size() + m.extra_devices.size() + m.stale_devices.size()) / 2;
  return words;
}

}  // namespace

void write(Body::Builder body, const Ok&) { body.setOk(); }

void write(Body::Builder body, const ErrorFrame& f) {
  auto e = body.initError();
  e.setCode(static_cast<schema::ErrorCode>(f.code));
  const std::string detail = f.detail.substr(0, kMaxErrorDetail);  // NUL-terminated, as capnp::Text wants
  e.setDetail(capnp::Text::Reader(detail.c_str(), detail.size()));
  e.setRetryAfterMs(f.retry_after_ms);
  if (!f.account_mismatches.empty()) {
    auto list = e.initAccountMismatches(static_cast<unsigned>(f.account_mismatches.size()));
    for (unsigned i = 0; i < f.account_mismatches.size(); ++i) {
      const auto& m = f.account_mismatches[i];
      list[i].setAccount(m.account);
      set_ids(list[i].initMissingDevices(static_cast<unsigned>(m.missing_devices.size())), m.missing_devices);
      set_ids(list[i].initExtraDevices(static_cast<unsigned>(m.extra_devices.size())), m.extra_devices);
      set_ids(list[i].initStaleDevices(static_cast<unsigned>(m.stale_devices.size())), m.stale_devices);
    }
  }
  // A deviceMismatch always carries its three lists, empty ones too; other codes carry none.
  if (f.code != ErrorCode::device_mismatch && f.missing_devices.empty() && f.extra_devices.empty() && f.stale_devices.empty())
    return;
  set_ids(e.initMissingDevices(static_cast<unsigned>(f.missing_devices.size())), f.missing_devices);
  set_ids(e.initExtraDevices(static_cast<unsigned>(f.extra_devices.size())), f.extra_devices);
  set_ids(e.initStaleDevices(static_cast<unsigned>(f.stale_devices.size())), f.stale_devices);
}

ErrorFrame read_error(Body::Reader body) {
  auto e = body.getError();
  const auto detail = e.getDetail();
  // The bound holds both ways: a reader keeps no more of a detail than a writer sends.
  ErrorFrame out{static_cast<ErrorCode>(e.getCode()), std::string(detail.begin(), std::min(detail.size(), kMaxErrorDetail)),
                 ids(e.getMissingDevices()), ids(e.getExtraDevices()), ids(e.getStaleDevices()), e.getRetryAfterMs(), {}};
  for (const auto m : e.getAccountMismatches())
    out.account_mismatches.push_back({m.getAccount(), ids(m.getMissingDevices()), ids(m.getExtraDevices()), ids(m.getStaleDevices())});
  return out;
}

std::size_t estimate_words(const ErrorFrame& f) {
  return 32 + std::min(f.detail.size(), kMaxErrorDetail) / 8 +
         (f.missing_devices.size() + f.extra_devices.size() + f.stale_devices.size()) / 2 + account_mismatch_words(f);
}

}  // namespace body_codec
}  // namespace parley::wire
