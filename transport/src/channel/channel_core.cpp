#include "parley/transport/channel/channel_core.h"

#include <utility>

#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/chunks.h"

namespace parley::transport::channel {

noise::Protocol protocol_for(RecordKind kind) {
  noise::Protocol protocol;
  protocol.cipher = crypto::Aead::aes256_gcm;
  protocol.hash = crypto::NoiseHash::sha256;
  switch (kind) {
    case RecordKind::xx: protocol.pattern = noise::PatternId::xx; break;
    case RecordKind::ik: protocol.pattern = noise::PatternId::ik; break;
    case RecordKind::xx_fallback: protocol.pattern = noise::PatternId::xx_fallback; break;
  }
  return protocol;
}

core::Bytes prologue() {
  core::Bytes header(kMagic.begin(), kMagic.end());
  header.push_back(kChannelVersion);
  return header;
}

core::Error ChannelCore::closed_error() { return core::make_error(core::Errc::malformed, "channel closed"); }

core::Result<core::Bytes> ChannelCore::send_frame(core::BytesView frame) {
  if (phase_ != Phase::established) {
    if (phase_ == Phase::closed) return closed_error();
    return core::make_error(core::Errc::no_session, "channel not established");
  }
  // An empty or oversized frame is the caller's mistake: refused before any nonce is used, and
  // the channel stays usable. A failure while sealing (a spent nonce) ends the channel.
  if (auto valid = FrameSplitter::create(frame); !valid.ok()) return valid.error();
  core::Bytes out;
  if (auto sealed = secure_->seal_frame(frame, out); !sealed.ok()) {
    close();
    return sealed.error();
  }
  return out;
}

core::Result<void> ChannelCore::establish(const noise::HandshakeState& state, Handshake handshake,
                                          ChannelOutput& out) {
  PARLEY_TRY(auto ciphers, state.split());
  handshake.handshake_hash = state.handshake_hash();
  secure_.emplace(std::move(ciphers), rekey_interval_);
  handshake_ = std::move(handshake);
  phase_ = Phase::established;
  out.established = true;
  return {};
}

void ChannelCore::close() {
  phase_ = Phase::closed;
  secure_.reset();
  reader_ = RecordReader();
}

}  // namespace parley::transport::channel
