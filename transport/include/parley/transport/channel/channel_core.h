// What the client and server ends of a Parley channel share (spec §6.8): the record reader, the
// phase, the established SecureChannel and the rule that any error closes the channel for good.
// Each end supplies only its handshake step.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/crypto/x25519.h"
#include "parley/transport/channel/records.h"
#include "parley/transport/channel/secure_channel.h"
#include "parley/transport/noise/protocol.h"

namespace parley::transport::channel {

enum class Phase { header, handshake, established, closed };

// What one receive() produced: bytes to write to the socket (handshake replies), frames that
// arrived whole, and whether the handshake completed during this call.
struct ChannelOutput {
  core::Bytes to_send;
  std::vector<core::Bytes> frames;
  bool established = false;
};

// What the handshake proved about the peer and the channel.
struct Handshake {
  RecordKind pattern = RecordKind::xx;  // xx, ik, or xx_fallback after a failed IK
  crypto::X25519PublicKey remote_static{};
  core::Bytes handshake_hash;  // Noise's channel binding (§11.2)
};

// Parley's channel always runs on AESGCM and SHA256, as WhatsApp's does (spec §6.1).
noise::Protocol protocol_for(RecordKind kind);
core::Bytes prologue();  // the connection header

class ChannelCore {
 public:
  explicit ChannelCore(Phase initial, std::uint64_t rekey_interval) : phase_(initial), rekey_interval_(rekey_interval) {}

  Phase phase() const { return phase_; }
  // Buffered bytes of an incomplete record or frame; 0 means the connection holds no buffer.
  bool idle() const { return reader_.buffered() == 0 && (!secure_ || secure_->idle()); }

  // `step` consumes handshake input from reader() while the phase is header or handshake and
  // returns whether it made progress; after the handshake the transport records are opened.
  // Any error closes the channel; a closed channel answers every call with `malformed`.
  template <typename Step>
  core::Result<ChannelOutput> receive(core::BytesView bytes, Step&& step) {
    if (phase_ == Phase::closed) return closed_error();
    reader_.append(bytes);
    ChannelOutput out;
    auto result = run(out, step);
    if (!result.ok()) {
      close();
      return result.error();
    }
    reader_.compact();
    return out;
  }

  core::Result<core::Bytes> send_frame(core::BytesView frame);

  // Called by a handshake step when the last handshake message has been read or written.
  core::Result<void> establish(const noise::HandshakeState& state, Handshake handshake, ChannelOutput& out);
  void advance(Phase phase) { phase_ = phase; }
  void close();

  RecordReader& reader() { return reader_; }
  const std::optional<Handshake>& handshake() const { return handshake_; }
  SecureChannel* secure() { return secure_ ? &*secure_ : nullptr; }

 private:
  static core::Error closed_error();

  template <typename Step>
  core::Result<void> run(ChannelOutput& out, Step& step) {
    while (phase_ == Phase::header || phase_ == Phase::handshake) {
      PARLEY_TRY(const bool progressed, step(out));
      if (!progressed) return {};
    }
    return secure_->open_records(reader_, out.frames);
  }

  Phase phase_;
  std::uint64_t rekey_interval_;
  RecordReader reader_;
  std::optional<SecureChannel> secure_;
  std::optional<Handshake> handshake_;
};

}  // namespace parley::transport::channel
