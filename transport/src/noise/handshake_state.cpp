#include "parley/transport/noise/handshake_state.h"

#include <algorithm>
#include <string>

#include "parley/transport/noise/limits.h"
#include "parley/transport/noise/pattern.h"

namespace parley::transport::noise {

namespace {

core::Error malformed(std::string detail) {
  return core::make_error(core::Errc::malformed, std::move(detail));
}

const std::vector<Token>& pre_message(const HandshakePattern& p, Role sender) {
  return sender == Role::initiator ? p.initiator_pre_message : p.responder_pre_message;
}

Role other(Role r) { return r == Role::initiator ? Role::responder : Role::initiator; }

bool sends_static(const HandshakePattern& p, Role role) {
  for (std::size_t i = 0; i < p.messages.size(); ++i) {
    const Role sender = i % 2 == 0 ? Role::initiator : Role::responder;
    if (sender == role &&
        std::find(p.messages[i].begin(), p.messages[i].end(), Token::s) != p.messages[i].end())
      return true;
  }
  return false;
}

}  // namespace

HandshakeState::HandshakeState(const HandshakeConfig& config)
    : protocol_(config.protocol),
      role_(config.role),
      prologue_(config.prologue),
      symmetric_(config.protocol),
      s_(config.local_static),
      e_(config.local_ephemeral),
      rs_(config.remote_static),
      re_(config.remote_ephemeral) {}

core::Result<HandshakeState> HandshakeState::initialize(const HandshakeConfig& config) {
  HandshakeState hs(config);
  const HandshakePattern& pattern = handshake_pattern(config.protocol.pattern);
  if (sends_static(pattern, hs.role_) && !hs.s_)
    return malformed("Noise: the pattern needs a local static key");
  hs.symmetric_.mix_hash(hs.prologue_);
  // Pre-message keys are hashed initiator's first (§5.3), whichever side we are.
  for (const Role sender : {Role::initiator, Role::responder}) {
    for (const Token token : pre_message(pattern, sender)) {
      const bool mine = sender == hs.role_;
      const crypto::X25519PublicKey* key = nullptr;
      if (token == Token::s) {
        if (mine && hs.s_) key = &hs.s_->public_key;
        if (!mine && hs.rs_) key = &*hs.rs_;
      } else if (token == Token::e) {
        if (mine && hs.e_) key = &hs.e_->public_key;
        if (!mine && hs.re_) key = &*hs.re_;
      }
      if (key == nullptr)
        return malformed(std::string("Noise: missing pre-message ") + (mine ? "local " : "remote ") +
                         (token == Token::s ? "static" : "ephemeral") + " key");
      hs.symmetric_.mix_hash(*key);
    }
  }
  return hs;
}

bool HandshakeState::is_finished() const {
  return message_index_ >= handshake_pattern(protocol_.pattern).messages.size();
}

bool HandshakeState::is_my_turn() const {
  return !is_finished() && (message_index_ % 2 == 0) == (role_ == Role::initiator);
}

core::Result<void> HandshakeState::check_can_proceed(bool writing) const {
  if (failed_) return malformed("Noise: the handshake has failed");
  if (is_finished()) return malformed("Noise: the handshake is finished");
  if (is_my_turn() != writing)
    return malformed(writing ? "Noise: not our turn to write" : "Noise: not our turn to read");
  return {};
}

// The DH tokens name (initiator key, responder key); each side picks its own half (§7.1).
core::Result<void> HandshakeState::mix_dh(Token token) {
  const bool initiator = role_ == Role::initiator;
  const std::optional<crypto::X25519KeyPair>* local = nullptr;
  const std::optional<crypto::X25519PublicKey>* remote = nullptr;
  switch (token) {
    case Token::ee:
      local = &e_, remote = &re_;
      break;
    case Token::ss:
      local = &s_, remote = &rs_;
      break;
    case Token::es:
      local = initiator ? &e_ : &s_, remote = initiator ? &rs_ : &re_;
      break;
    case Token::se:
      local = initiator ? &s_ : &e_, remote = initiator ? &re_ : &rs_;
      break;
    case Token::e:
    case Token::s:
      return malformed("Noise: not a DH token");
  }
  if (!*local || !*remote) return malformed("Noise: a DH token before its keys");
  PARLEY_TRY(const auto shared, crypto::x25519_agree((*local)->private_key, **remote));
  symmetric_.mix_key(shared.view());
  return {};
}

core::Result<core::Bytes> HandshakeState::write_message(core::BytesView payload, crypto::Entropy& entropy) {
  PARLEY_CHECK(check_can_proceed(true));
  HandshakeState next = *this;  // commit on success
  core::Bytes out;
  for (const Token token : handshake_pattern(protocol_.pattern).messages[message_index_]) {
    if (token == Token::e) {
      PARLEY_TRY(next.e_, crypto::generate_x25519_key_pair(entropy));
      core::append(out, next.e_->public_key);
      next.symmetric_.mix_hash(next.e_->public_key);
    } else if (token == Token::s) {
      PARLEY_TRY(const auto sealed, next.symmetric_.encrypt_and_hash(next.s_->public_key));
      core::append(out, sealed);
    } else {
      PARLEY_CHECK(next.mix_dh(token));
    }
  }
  if (out.size() + payload.size() + (next.symmetric_.has_key() ? kTagLength : 0) > kMaxMessageLength)
    return core::make_error(core::Errc::limit_exceeded, "Noise handshake message over 65535 bytes");
  PARLEY_TRY(const auto sealed_payload, next.symmetric_.encrypt_and_hash(payload));
  core::append(out, sealed_payload);
  ++next.message_index_;
  *this = std::move(next);
  return out;
}

core::Result<core::Bytes> HandshakeState::read_message(core::BytesView message) {
  PARLEY_CHECK(check_can_proceed(false));
  HandshakeState next = *this;  // commit on success
  auto attempt = [&]() -> core::Result<core::Bytes> {
    if (message.size() > kMaxMessageLength)
      return core::make_error(core::Errc::limit_exceeded, "Noise handshake message over 65535 bytes");
    core::BytesView rest = message;
    auto take = [&](std::size_t n) -> core::Result<core::BytesView> {
      if (rest.size() < n) return malformed("Noise: handshake message too short");
      const auto head = rest.first(n);
      rest = rest.subspan(n);
      return head;
    };
    for (const Token token : handshake_pattern(protocol_.pattern).messages[message_index_]) {
      if (token == Token::e) {
        PARLEY_TRY(const auto key, take(kDhLength));
        crypto::X25519PublicKey re{};
        std::copy(key.begin(), key.end(), re.begin());
        next.re_ = re;
        next.symmetric_.mix_hash(key);
      } else if (token == Token::s) {
        PARLEY_TRY(const auto sealed, take(kDhLength + (next.symmetric_.has_key() ? kTagLength : 0)));
        PARLEY_TRY(const auto key, next.symmetric_.decrypt_and_hash(sealed));
        crypto::X25519PublicKey rs{};
        std::copy(key.begin(), key.end(), rs.begin());
        next.rs_ = rs;
      } else {
        PARLEY_CHECK(next.mix_dh(token));
      }
    }
    if (next.symmetric_.has_key() && rest.size() < kTagLength)
      return malformed("Noise: handshake message too short");
    return next.symmetric_.decrypt_and_hash(rest);
  };
  auto payload = attempt();
  if (!payload) {
    failed_ = true;  // fatal (§5), but nothing else of the state changed
    return payload.error();
  }
  ++next.message_index_;
  *this = std::move(next);
  return payload;
}

core::Result<TransportCiphers> HandshakeState::split() const {
  if (failed_ || !is_finished()) return malformed("Noise: split before the handshake finished");
  auto [c1, c2] = symmetric_.split();
  if (role_ == Role::initiator) return TransportCiphers{std::move(c1), std::move(c2)};
  return TransportCiphers{std::move(c2), std::move(c1)};
}

core::Result<HandshakeState> HandshakeState::fallback(core::BytesView ik_first_message) const {
  if (protocol_.pattern != PatternId::ik) return malformed("Noise: fallback needs an IK handshake");
  HandshakeConfig config;
  config.protocol = protocol_;
  config.protocol.pattern = PatternId::xx_fallback;
  config.role = other(role_);
  config.prologue = prologue_;
  config.local_static = s_;
  if (role_ == Role::initiator) {
    if (!e_) return malformed("Noise: fallback before the IK message was written");
    config.local_ephemeral = e_;
  } else {
    if (ik_first_message.size() < kDhLength) return malformed("Noise: IK message too short for fallback");
    crypto::X25519PublicKey re{};
    std::copy_n(ik_first_message.begin(), kDhLength, re.begin());
    config.remote_ephemeral = re;
  }
  return initialize(config);
}

}  // namespace parley::transport::noise
