// Blob transfers (spec §7.1, §12.3): the resume question, the windows of chunks, and what each
// answer of the server means for the transfer it belongs to.
#include "transfers.h"

#include <algorithm>

#include "parley/core/hex.h"

namespace parley::client::engine {

using core::Errc;


Output Transfers::upload(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSource> source, bool logged_in) {
  Transfer t;
  t.source = std::move(source);
  return add(std::move(hash), size, std::move(t), logged_in);
}

Output Transfers::download(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSink> sink, bool logged_in) {
  Transfer t;
  t.upload = false;
  t.sink = std::move(sink);
  return add(std::move(hash), size, std::move(t), logged_in);
}

Output Transfers::add(core::Bytes hash, std::uint64_t size, Transfer t, bool logged_in) {
  if (hash.size() != 32 || size == 0)
    return failed(0, core::make_error(Errc::malformed, "a blob is named by its SHA-256 and has at least one byte"));
  if (transfers_.count(hash)) return EngineOutput{};  // on its way already
  t.size = size;
  auto it = transfers_.emplace(std::move(hash), std::move(t)).first;
  if (!logged_in) return EngineOutput{};
  return start(it);
}

// An upload asks where the server's bytes end; a download starts where its sink ends.
Output Transfers::start(Table::iterator it) {
  auto& t = it->second;
  if (t.upload) {
    t.asking = true;
    PARLEY_TRY(auto frame, request(it, 0, wire::BlobStatus{it->first}));
    EngineOutput out;
    out.frames.push_back(std::move(frame));
    return out;
  }
  t.next = t.confirmed = t.sink->size();
  if (t.confirmed > t.size) return finish(it, core::make_error(Errc::malformed, "the sink holds more than the blob"));
  if (t.confirmed == t.size) return finish(it, std::nullopt);
  return pump(it);
}

Output Transfers::pump(Table::iterator it) {
  auto& t = it->second;
  EngineOutput out;
  while (t.in_flight < kBlobWindow && t.next < t.size) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kBlobChunk, t.size - t.next));
    wire::FrameBody body;
    if (t.upload) {
      auto bytes = t.source->read(t.next, n);
      if (!bytes.ok() || bytes->size() != n) {
        auto stopped = finish(it, bytes.ok() ? core::make_error(Errc::storage_failure, "the upload's source ended early")
                                             : bytes.error());
        out.append(std::move(stopped));
        return out;
      }
      body = wire::BlobUpload{it->first, t.next, t.size, std::move(*bytes)};
    } else {
      body = wire::BlobDownload{it->first, t.next, n};
    }
    PARLEY_TRY(auto frame, request(it, t.next + n, std::move(body)));
    out.frames.push_back(std::move(frame));
    t.next += n;
    ++t.in_flight;
  }
  return out;
}

core::Result<core::Bytes> Transfers::request(Table::iterator it, std::uint64_t end, wire::FrameBody body) {
  const std::uint32_t id = ctx_.requests.add(BlobRequest{it->first, end});
  it->second.requests.push_back(id);
  return wire::encode_frame(id, body);
}

Transfers::Table::iterator Transfers::answered(std::uint32_t id, const BlobRequest& asked) {
  auto it = transfers_.find(asked.hash);
  if (it == transfers_.end()) return it;
  auto& ids = it->second.requests;
  const auto found = std::find(ids.begin(), ids.end(), id);
  if (found == ids.end()) return transfers_.end();  // an earlier transfer of the same blob's
  ids.erase(found);
  return it;
}

// Moved on without ending: say how far, and send what the window allows.
Output Transfers::carry_on(Table::iterator it) {
  auto out = progress(it);
  PARLEY_TRY(auto chunks, pump(it));
  out.append(std::move(chunks));
  return out;
}

EngineOutput Transfers::progress(Table::iterator it) {
  const auto& t = it->second;
  return event(BlobEvent{it->first, t.upload, t.confirmed, t.size, false, std::nullopt});
}

// The transfer ends: complete, or stopped by `error`. Its requests still out are forgotten.
EngineOutput Transfers::finish(Table::iterator it, std::optional<core::Error> error) {
  auto& t = it->second;
  for (const auto id : t.requests) ctx_.requests.forget(id);
  if (error) error->detail = "blob " + core::to_hex(core::BytesView(it->first).first(4)) + ": " + error->detail;
  auto out = event(BlobEvent{it->first, t.upload, t.confirmed, t.size, !error, std::move(error)});
  transfers_.erase(it);
  return out;
}

Output Transfers::on_state(std::uint32_t id, const BlobRequest& asked, const wire::BlobState& state) {
  auto it = answered(id, asked);
  if (it == transfers_.end() || !it->second.upload || !it->second.asking) return EngineOutput{};
  auto& t = it->second;
  t.asking = false;
  if (state.total_size != t.size || state.received > state.total_size)
    return finish(it, core::make_error(Errc::conflict, "the server holds a blob of another size under this hash"));
  t.next = t.confirmed = state.received;
  if (state.complete) {
    t.confirmed = t.size;
    return finish(it, std::nullopt);  // held already: nothing to send
  }
  return carry_on(it);
}

Output Transfers::on_ok(std::uint32_t id, const BlobRequest& asked) {
  auto it = answered(id, asked);
  if (it == transfers_.end() || !it->second.upload || it->second.asking) return EngineOutput{};
  auto& t = it->second;
  if (t.in_flight > 0) --t.in_flight;
  t.confirmed = std::max(t.confirmed, asked.end);
  // The last chunk's ok means the server checked the whole blob against its hash (spec §7.1).
  if (t.confirmed >= t.size) return finish(it, std::nullopt);
  return carry_on(it);
}

Output Transfers::on_data(std::uint32_t id, const BlobRequest& asked, const wire::BlobData& data) {
  auto it = answered(id, asked);
  if (it == transfers_.end() || it->second.upload) return EngineOutput{};
  auto& t = it->second;
  if (t.in_flight > 0) --t.in_flight;
  // The answers come in the order asked (one connection, spec §7.2); anything else is not the
  // blob we asked for. Its bytes are checked later against the message's hashes (spec §12.2).
  if (data.content_hash != it->first || data.total_size != t.size || data.offset != t.confirmed ||
      data.data.empty() || data.data.size() > t.size - t.confirmed || data.offset + data.data.size() != asked.end)
    return finish(it, core::make_error(Errc::malformed, "the server answered with other bytes than asked"));
  if (auto stored = t.sink->append(data.data); !stored.ok()) return finish(it, stored.error());
  t.confirmed += data.data.size();
  if (t.confirmed == t.size) return finish(it, std::nullopt);
  return carry_on(it);
}

Output Transfers::on_refused(std::uint32_t id, const BlobRequest& asked, const wire::ErrorFrame& refusal) {
  auto it = answered(id, asked);
  if (it == transfers_.end()) return EngineOutput{};
  auto& t = it->second;
  // A blob the server has never seen (or no longer holds): the upload starts at 0.
  if (t.upload && t.asking && refusal.code == wire::ErrorCode::not_found) {
    t.asking = false;
    t.next = t.confirmed = 0;
    return pump(it);
  }
  return finish(it, wire::to_error(refusal));
}

Output Transfers::resume() {
  EngineOutput out;
  for (auto it = transfers_.begin(); it != transfers_.end();) {
    auto next = std::next(it);
    PARLEY_TRY(auto started, start(it));  // may finish (and erase) it
    out.append(std::move(started));
    it = next;
  }
  return out;
}

void Transfers::disconnected() {
  for (auto& [hash, t] : transfers_) {
    for (const auto id : t.requests) ctx_.requests.forget(id);
    t.requests.clear();
    t.in_flight = 0;
    t.asking = false;
  }
}

}  // namespace parley::client::engine
