// spec §11.2: groups' membership logs, appended by the device that signed the entry and fetched by
// any logged-in device that knows the group's id. The router lets these through only once logged in.
#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::GroupLogAppend& frame) {
  const auto& device = *connection.device;
  auto stored = store_.append_group_entry(frame.group, frame.entry, device);
  if (!stored.ok()) return replies::refuse(id, stored.error());
  return replies::reply(id, wire::Ok{});
}

HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::GroupLogFetch& frame) {
  auto page = store_.group_log(frame.group, frame.from_version);
  if (!page.ok()) return replies::refuse(id, page.error());
  return replies::reply(id, wire::GroupLog{frame.group, frame.from_version, std::move(page->entries), page->more});
}

}  // namespace parley::server
