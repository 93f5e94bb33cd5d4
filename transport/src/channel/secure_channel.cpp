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

core::Result<void> SecureChannel::seal_frame(core::BytesView frame, core::Bytes& out) {
  PARLEY_TRY(const auto chunks, split_frame(frame));
  for (const auto& chunk : chunks) {
    PARLEY_TRY(const auto message, ciphers_.send.encrypt_with_ad({}, chunk));
    PARLEY_CHECK(append_transport_record(out, message));
    PARLEY_CHECK(count_and_rekey(ciphers_.send, sent_, rekey_interval_));
  }
  return {};
}

core::Result<core::Bytes> SecureChannel::open(core::BytesView message) {
  PARLEY_TRY(auto chunk, ciphers_.receive.decrypt_with_ad({}, message));
  PARLEY_CHECK(count_and_rekey(ciphers_.receive, received_, rekey_interval_));
  return chunk;
}

core::Result<void> SecureChannel::open_records(RecordReader& reader, std::vector<core::Bytes>& frames) {
  for (;;) {
    PARLEY_TRY(const auto record, reader.take_transport_record());
    if (!record) return {};
    PARLEY_TRY(const auto chunk, open(*record));
    PARLEY_TRY(auto frame, reassembler_.accept(chunk));
    if (frame) frames.push_back(std::move(*frame));
  }
}

}  // namespace parley::transport::channel
