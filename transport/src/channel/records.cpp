#include "parley/transport/channel/records.h"

#include <string>

#include "parley/transport/channel/limits.h"

namespace parley::transport::channel {

using core::Errc;

namespace {

void append_length(core::Bytes& out, std::size_t length) {
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
}

std::size_t read_length(core::BytesView two) { return (std::size_t{two[0]} << 8) | two[1]; }

core::Error too_long() { return core::make_error(Errc::limit_exceeded, "record over 65535 bytes"); }

}  // namespace

core::Result<void> append_handshake_record(core::Bytes& out, RecordKind kind, core::BytesView message) {
  if (message.size() > kMaxRecordLength) return too_long();
  out.reserve(out.size() + kHandshakeRecordHeaderSize + message.size());
  out.push_back(static_cast<std::uint8_t>(kind));
  append_length(out, message.size());
  core::append(out, message);
  return {};
}

core::Result<void> append_transport_record(core::Bytes& out, core::BytesView message) {
  if (message.size() > kMaxRecordLength) return too_long();
  out.reserve(out.size() + kTransportRecordHeaderSize + message.size());
  append_length(out, message.size());
  core::append(out, message);
  return {};
}

void RecordReader::append(core::BytesView bytes) { core::append(buffer_, bytes); }

std::optional<core::BytesView> RecordReader::take(std::size_t n) {
  if (buffered() < n) return std::nullopt;
  const core::BytesView out = core::BytesView(buffer_).subspan(offset_, n);
  offset_ += n;
  return out;
}

core::Result<std::optional<HandshakeRecord>> RecordReader::take_handshake_record() {
  if (buffered() < kHandshakeRecordHeaderSize) return std::optional<HandshakeRecord>{};
  const core::BytesView header = core::BytesView(buffer_).subspan(offset_, kHandshakeRecordHeaderSize);
  const std::uint8_t kind = header[0];
  if (kind < static_cast<std::uint8_t>(RecordKind::xx) || kind > static_cast<std::uint8_t>(RecordKind::xx_fallback))
    return core::make_error(Errc::malformed, "unknown handshake record kind " + std::to_string(kind));
  const std::size_t length = read_length(header.subspan(1));
  if (length < noise::kDhLength) return core::make_error(Errc::malformed, "handshake record too short");
  if (buffered() < kHandshakeRecordHeaderSize + length) return std::optional<HandshakeRecord>{};
  offset_ += kHandshakeRecordHeaderSize;
  return std::optional<HandshakeRecord>{HandshakeRecord{static_cast<RecordKind>(kind), *take(length)}};
}

core::Result<std::optional<core::BytesView>> RecordReader::take_transport_record() {
  if (buffered() < kTransportRecordHeaderSize) return std::optional<core::BytesView>{};
  const std::size_t length = read_length(core::BytesView(buffer_).subspan(offset_, kTransportRecordHeaderSize));
  if (length < noise::kTagLength) return core::make_error(Errc::malformed, "transport record too short");
  if (buffered() < kTransportRecordHeaderSize + length) return std::optional<core::BytesView>{};
  offset_ += kTransportRecordHeaderSize;
  return std::optional<core::BytesView>{*take(length)};
}

void RecordReader::compact() {
  if (offset_ == buffer_.size()) {
    core::Bytes().swap(buffer_);
  } else if (offset_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
  }
  offset_ = 0;
}

}  // namespace parley::transport::channel
