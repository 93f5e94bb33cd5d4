// spec §7.1: the blob store's uploads, the resume question, range downloads and the recipients'
// word that they hold a blob. The router lets these through only once logged in, so
// connection.device is set: every blob frame acts as that device (who may read a blob, whose quota
// an upload counts against).
#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::BlobUpload& frame) {
  auto state = store_.put_blob_chunk(BlobChunk{frame.content_hash, frame.offset, frame.total_size, frame.data},
                                     *connection.device);
  if (!state.ok()) return replies::refuse(id, state.error());
  return replies::reply(id, wire::Ok{});
}

HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::BlobDownload& frame) {
  auto state = store_.blob_state(frame.content_hash, *connection.device);
  if (!state.ok()) return replies::refuse(id, state.error());
  auto data = store_.read_blob(frame.content_hash, frame.offset, frame.length, *connection.device);
  if (!data.ok()) return replies::refuse(id, data.error());
  return replies::reply(id, wire::BlobData{frame.content_hash, frame.offset, state->total_size, std::move(*data)});
}

// The resume question (spec §7.1): how far the upload got, whenever it was broken off.
HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::BlobStatus& frame) {
  auto state = store_.blob_state(frame.content_hash, *connection.device);
  if (!state.ok()) return replies::refuse(id, state.error());
  return replies::reply(id, wire::BlobState{frame.content_hash, state->total_size, state->received, state->complete});
}

HandlerOutput FrameHandler::on(ConnectionState& connection, std::uint32_t id, const wire::BlobFetched& frame) {
  auto deleted = store_.blob_fetched(frame.content_hash, *connection.device);
  if (!deleted.ok()) return replies::refuse(id, deleted.error());
  return replies::reply(id, wire::Ok{});
}

}  // namespace parley::server
