// Blob transfers (spec §7.1, §12.3): uploads and downloads of encrypted media, chunk by chunk,
// kBlobWindow chunks in flight, resumed where they stopped after a dropped connection. An upload
// first asks the server how much it holds (blobStatus), so an upload that a dropped connection, a
// restarted server or a restarted client broke off continues there, and one the server holds
// already sends nothing (a forward). A download resumes where its sink ends. Memory holds at most
// the chunks in flight, whatever the blob's size.
//
// Transfers live in memory only: after a restart of the client, the application starts them again
// (which, for an upload, costs one question).
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "context.h"
#include "parley/client/blob_io.h"

namespace parley::client::engine {

class Transfers {
 public:
  explicit Transfers(EngineContext& ctx) : ctx_(ctx) {}

  // `logged_in`: whether frames may go now; otherwise the transfer starts at the next login.
  Output upload(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSource> source, bool logged_in);
  Output download(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSink> sink, bool logged_in);

  // The server's answers to our blob requests.
  // The server's answers to our blob request `id`.
  Output on_state(std::uint32_t id, const BlobRequest& asked, const wire::BlobState& state);
  Output on_ok(std::uint32_t id, const BlobRequest& asked);
  Output on_data(std::uint32_t id, const BlobRequest& asked, const wire::BlobData& data);
  Output on_refused(std::uint32_t id, const BlobRequest& asked, const wire::ErrorFrame& refusal);

  // Logged in again: every transfer goes on from where the server's bytes (upload) or the sink
  // (download) end.
  Output resume();
  // The connection is gone: what was in flight will not be answered.
  void disconnected();
  bool active(const core::Bytes& hash) const { return transfers_.count(hash) > 0; }

 private:
  struct Transfer {
    bool upload = true;
    std::uint64_t size = 0;
    std::shared_ptr<BlobSource> source;  // uploads
    std::shared_ptr<BlobSink> sink;      // downloads
    std::uint64_t next = 0;              // the offset the next chunk starts at
    std::uint64_t confirmed = 0;         // bytes the server took (upload) or the sink holds (download)
    std::size_t in_flight = 0;
    bool asking = false;  // an upload's blobStatus is out
    std::vector<std::uint32_t> requests;  // ours, not yet answered
  };
  using Table = std::map<core::Bytes, Transfer>;

  Output add(core::Bytes hash, std::uint64_t size, Transfer t, bool logged_in);
  Output start(Table::iterator it);
  Output carry_on(Table::iterator it);
  // As many chunks as the window allows.
  Output pump(Table::iterator it);
  EngineOutput progress(Table::iterator it);
  EngineOutput finish(Table::iterator it, std::optional<core::Error> error);
  core::Result<core::Bytes> request(Table::iterator it, std::uint64_t end, wire::FrameBody body);
  // The transfer request `id` belongs to, with the id no longer waiting; end() if none.
  Table::iterator answered(std::uint32_t id, const BlobRequest& asked);

  EngineContext& ctx_;
  Table transfers_;
};

}  // namespace parley::client::engine
