#include "replies.h"

namespace parley::server::replies {

using core::Errc;

wire::ErrorCode wire_code(Errc code) {
  switch (code) {
    case Errc::unsupported_version: return wire::ErrorCode::UNSUPPORTED_VERSION;
    case Errc::bad_signature:
    case Errc::untrusted_identity: return wire::ErrorCode::UNAUTHORIZED;
    case Errc::device_mismatch: return wire::ErrorCode::DEVICE_MISMATCH;
    case Errc::queue_full: return wire::ErrorCode::QUEUE_FULL;
    case Errc::message_too_large: return wire::ErrorCode::MESSAGE_TOO_LARGE;
    case Errc::storage_failure:
    case Errc::internal: return wire::ErrorCode::STORAGE_FAILURE;
    case Errc::not_found: return wire::ErrorCode::NOT_FOUND;
    case Errc::conflict: return wire::ErrorCode::CONFLICT;
    case Errc::unsupported: return wire::ErrorCode::UNSUPPORTED;
    default: return wire::ErrorCode::MALFORMED;  // malformed, bad_key, limit_exceeded: a bad request
  }
}

namespace {

void set_ids(capnp::List<std::uint32_t>::Builder out, const std::vector<DeviceId>& ids) {
  for (unsigned i = 0; i < ids.size(); ++i) out.set(i, ids[i].value);
}

}  // namespace

core::Bytes error(std::uint32_t request_id, wire::ErrorCode code, const std::string& detail,
                  const DeviceMismatch* mismatch, std::uint64_t retry_after_ms) {
  auto frame = transport::encode_frame(request_id, 32 + detail.size() / 8, [&](wire::Frame::Builder root) {
    auto e = root.getBody().initError();
    e.setCode(code);
    e.setDetail(detail.substr(0, 1024));  // for people; a bound keeps error frames small
    e.setRetryAfterMs(retry_after_ms);
    if (mismatch != nullptr) {
      set_ids(e.initMissingDevices(static_cast<unsigned>(mismatch->missing.size())), mismatch->missing);
      set_ids(e.initExtraDevices(static_cast<unsigned>(mismatch->extra.size())), mismatch->extra);
      set_ids(e.initStaleDevices(static_cast<unsigned>(mismatch->stale.size())), mismatch->stale);
    }
  });
  return std::move(frame).value();  // bounded fields: encoding cannot exceed kMaxFrameSize
}

core::Bytes error(std::uint32_t request_id, const core::Error& e) {
  return error(request_id, wire_code(e.code), std::string(core::errc_name(e.code)) + ": " + e.detail);
}

core::Bytes ok(std::uint32_t request_id) {
  return transport::encode_frame(request_id, 4, [](wire::Frame::Builder root) { root.getBody().setOk(); }).value();
}

core::Bytes or_internal(std::uint32_t request_id, core::Result<core::Bytes> frame) {
  if (frame.ok()) return std::move(frame).value();
  return error(request_id, core::make_error(Errc::internal, "reply not encodable: " + frame.error().detail));
}

HandlerOutput refuse(std::uint32_t request_id, const core::Error& e, bool close) {
  HandlerOutput out;
  out.replies.push_back(error(request_id, e));
  if (close) out.close = e;
  return out;
}

}  // namespace parley::server::replies
