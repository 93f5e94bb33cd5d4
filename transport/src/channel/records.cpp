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

void RecordReader::append(core::BytesView bytes) { input_ = bytes; }

std::optional<core::BytesView> RecordReader::peek(std::size_t n) {
  if (buffered() < n) return std::nullopt;
  const std::size_t in_buffer = buffer_.size() - offset_;
  if (in_buffer == 0) return input_.first(n);
  if (in_buffer < n) {
    const std::size_t moved = n - in_buffer;
    core::append(buffer_, input_.first(moved));
    input_ = input_.subspan(moved);
  }
  return core::BytesView(buffer_).subspan(offset_, n);
}

std::optional<core::BytesView> RecordReader::take(std::size_t n) {
  if (buffered() < n) return std::nullopt;
  if (buffer_.size() == offset_) {  // nothing carried over: read in place
    const auto out = input_.first(n);
    input_ = input_.subspan(n);
    return out;
  }
  const auto out = peek(n);  // completes the carried-over record from the input
  offset_ += n;
  return out;
}

core::Result<std::optional<HandshakeRecord>> RecordReader::take_handshake_record() {
  const auto header = peek(kHandshakeRecordHeaderSize);
  if (!header) return std::optional<HandshakeRecord>{};
  const std::uint8_t kind = (*header)[0];
  if (kind < static_cast<std::uint8_t>(RecordKind::xx) || kind > static_cast<std::uint8_t>(RecordKind::xx_fallback))
    return core::make_error(Errc::malformed, "unknown handshake record kind " + std::to_string(kind));
  const std::size_t length = read_length(header->subspan(1));
  if (length < noise::kDhLength) return core::make_error(Errc::malformed, "handshake record too short");
  const auto record = take(kHandshakeRecordHeaderSize + length);
  if (!record) return std::optional<HandshakeRecord>{};
  return std::optional<HandshakeRecord>{
      HandshakeRecord{static_cast<RecordKind>(kind), record->subspan(kHandshakeRecordHeaderSize)}};
}

core::Result<std::optional<core::BytesView>> RecordReader::take_transport_record() {
  const auto header = peek(kTransportRecordHeaderSize);
  if (!header) return std::optional<core::BytesView>{};
  const std::size_t length = read_length(*header);
  if (length < noise::kTagLength) return core::make_error(Errc::malformed, "transport record too short");
  const auto record = take(kTransportRecordHeaderSize + length);
  if (!record) return std::optional<core::BytesView>{};
  return std::optional<core::BytesView>{record->subspan(kTransportRecordHeaderSize)};
}

void RecordReader::compact() {
  if (offset_ == buffer_.size()) {
    if (input_.empty()) {
      core::Bytes().swap(buffer_);
    } else {
      buffer_.assign(input_.begin(), input_.end());
    }
  } else {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
    core::append(buffer_, input_);
  }
  offset_ = 0;
  input_ = {};
}

}  // namespace parley::transport::channel
