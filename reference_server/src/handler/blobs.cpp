// spec §7.1: the blob store's uploads, the resume question and range downloads.
#include "parley/server/handler/frame_handler.h"
#include "replies.h"

namespace parley::server {

HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::BlobUpload& frame) {
  auto state = store_.put_blob_chunk(BlobChunk{frame.content_hash, frame.offset, frame.total_size, frame.data});
  if (!state.ok()) return replies::refuse(id, state.error());
  return replies::reply(id, wire::Ok{});
}

HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::BlobDownload& frame) {
  auto state = store_.blob_state(frame.content_hash);
  if (!state.ok()) return replies::refuse(id, state.error());
  auto data = store_.read_blob(frame.content_hash, frame.offset, frame.length);
  if (!data.ok()) return replies::refuse(id, data.error());
  return replies::reply(id, wire::BlobData{frame.content_hash, frame.offset, state->total_size, std::move(*data)});
}

// The resume question (spec §7.1): how far the upload got, whoever started it and whenever.
HandlerOutput FrameHandler::on(ConnectionState&, std::uint32_t id, const wire::BlobStatus& frame) {
  auto state = store_.blob_state(frame.content_hash);
  if (!state.ok()) return replies::refuse(id, state.error());
  return replies::reply(id, wire::BlobState{frame.content_hash, state->total_size, state->received, state->complete});
}

}  // namespace parley::server
