#include "parley/transport/channel/secure_channel.h"

#include <utility>

namespace parley::transport::channel {

namespace {

// Counts one message in a direction and rekeys that direction at each multiple of the interval
// (spec §6.8). Both sides count the same messages, so they rekey at the same point.
core::Result<void> count_and_rekey(noise::CipherState& cipher, std::uint64_t& count, std::uint64_t interval) {
  ++count;
  if (interval != 0 && count % interval == 0) return cipher.rekey();
  return {};
}

}  // namespace

SecureChannel::SecureChannel(noise::TransportCiphers ciphers, std::uint64_t rekey_interval)
    : ciphers_(std::move(ciphers)), rekey_interval_(rekey_interval) {}

namespace {

// Scratch space for one chunk on its way in or out. Per thread, not per channel: nothing in it
// outlives a call, and a server with many idle connections should not hold 64 KiB for each.
struct Scratch {
  core::Bytes chunk;
  core::Bytes message;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

core::Result<void> SecureChannel::seal_frame(core::BytesView frame, core::Bytes& out) {
  PARLEY_TRY(auto splitter, FrameSplitter::create(frame));
  const std::size_t chunks = frame.size() / (kMaxChunkSize - kStartChunkHeaderSize) + 1;
  out.reserve(out.size() + frame.size() +
              chunks * (kTransportRecordHeaderSize + kStartChunkHeaderSize + noise::kTagLength));
  auto& s = scratch();
  while (!splitter.done()) {
    splitter.next(s.chunk);
    PARLEY_CHECK(ciphers_.send.encrypt_with_ad({}, s.chunk, s.message));
    PARLEY_CHECK(append_transport_record(out, s.message));
    PARLEY_CHECK(count_and_rekey(ciphers_.send, sent_, rekey_interval_));
  }
  return {};
}

core::Result<void> SecureChannel::open_records(RecordReader& reader, std::vector<core::Bytes>& frames) {
  auto& s = scratch();
  for (;;) {
    PARLEY_TRY(const auto record, reader.take_transport_record());
    if (!record) return {};
    PARLEY_CHECK(ciphers_.receive.decrypt_with_ad({}, *record, s.message));
    PARLEY_CHECK(count_and_rekey(ciphers_.receive, received_, rekey_interval_));
    PARLEY_TRY(const auto frame, reassembler_.accept_view(s.message));
    if (frame) frames.emplace_back(frame->begin(), frame->end());
  }
}

}  // namespace parley::transport::channel
