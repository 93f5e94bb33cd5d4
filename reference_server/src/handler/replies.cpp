#include "replies.h"

namespace parley::server {

void HandlerOutput::append(HandlerOutput other) {
  for (auto& r : other.replies) replies.push_back(std::move(r));
  for (auto& p : other.pushes) pushes.push_back(std::move(p));
  for (auto& m : other.new_mail) new_mail.push_back(m);
  for (auto& r : other.removed) removed.push_back(r);
  if (!close && other.close) close = std::move(other.close);
  logged_in = logged_in || other.logged_in;
  delivered += other.delivered;
}

namespace replies {

using core::Errc;

core::Bytes frame(std::uint32_t request_id, const wire::FrameBody& body) {
  auto encoded = wire::encode_frame(request_id, body);
  if (encoded.ok()) return std::move(encoded).value();
  return error(request_id, core::make_error(Errc::internal, "reply not encodable: " + encoded.error().detail));
}

core::Bytes error(std::uint32_t request_id, const core::Error& e) {
  // Bounded fields (the detail is cut at kMaxErrorDetail): encoding cannot exceed kMaxFrameSize.
  return wire::encode_frame(request_id, wire::error_frame(e)).value();
}

core::Bytes ok(std::uint32_t request_id) { return frame(request_id, wire::Ok{}); }

HandlerOutput reply(std::uint32_t request_id, const wire::FrameBody& body) {
  HandlerOutput out;
  out.replies.push_back(frame(request_id, body));
  return out;
}

HandlerOutput refuse(std::uint32_t request_id, const core::Error& e, bool close) {
  HandlerOutput out;
  out.replies.push_back(error(request_id, e));
  if (close) out.close = e;
  return out;
}

core::Error unauthorized(const std::string& detail) { return core::make_error(Errc::untrusted_identity, detail); }

core::Error not_logged_in() { return unauthorized("not logged in"); }

}  // namespace replies
}  // namespace parley::server
