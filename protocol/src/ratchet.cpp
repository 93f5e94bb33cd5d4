#include "parley/protocol/ratchet.h"

#include <algorithm>

#include "parley/crypto/cipher.h"
#include "parley/crypto/hmac.h"
#include "parley/protocol/kdf.h"
#include "parley/protocol/limits.h"

namespace parley::protocol {

using core::Errc;

namespace {

// MAC = HMAC-SHA256(mac_key, IK_sender33 || IK_receiver33 || message bytes)[0..8] (spec §5.4).
core::Bytes mac_input(const X25519PublicKey& sender, const X25519PublicKey& receiver, core::BytesView body) {
  return core::concat(crypto::serialize_public_key(sender), crypto::serialize_public_key(receiver), body);
}

// Walks a chain from `chain` to `counter`, collecting the seeds of the counters passed over.
// Returns the seed for `counter`; `chain` ends at counter + 1.
Key32 derive_to(ChainKey& chain, std::uint32_t counter, const X25519PublicKey& ratchet_key,
                std::vector<SkippedKeys::Entry>& skipped) {
  skipped.reserve(skipped.size() + (counter - chain.index));
  while (chain.index < counter) {
    skipped.push_back({{ratchet_key, chain.index}, kdf_message_seed(chain.key)});
    chain.key = kdf_chain_next(chain.key);
    ++chain.index;
  }
  Key32 seed = kdf_message_seed(chain.key);
  chain.key = kdf_chain_next(chain.key);
  ++chain.index;
  return seed;
}

core::Result<core::Bytes> open(const SessionState& state, const ReceivedSignalMessage& message, const Key32& seed) {
  PARLEY_TRY(auto keys, kdf_message_keys(seed));
  const auto input = mac_input(state.remote_identity, state.local_identity, message.mac_input);
  PARLEY_CHECK(crypto::hmac_sha256_verify(keys.mac_key.view(), input, message.mac));
  return crypto::aes256_cbc_decrypt(keys.cipher_key.view(), keys.iv.view(), message.fields.ciphertext);
}

core::Result<void> check_jump(const ChainKey& chain, std::uint32_t counter) {
  if (counter > chain.index && counter - chain.index > kMaxForwardJump)
    return core::make_error(Errc::too_far_in_future, "counter " + std::to_string(counter) + " is more than " +
                                                         std::to_string(kMaxForwardJump) + " ahead");
  return {};
}

}  // namespace

core::Result<SessionState> initiate_session(const InitiatorSetup& setup) {
  const PreKeyBundle& b = setup.bundle;
  PARLEY_TRY(auto secret, x3dh_initiator({setup.our_identity, setup.our_base_key, b.identity_key, b.signed_prekey,
                                          b.prekey}));
  SessionState s;
  s.local_identity = setup.our_identity.public_key;
  s.remote_identity = b.identity_key;
  s.local_registration_id = setup.our_registration_id;
  s.remote_registration_id = b.registration_id;
  s.base_key = setup.our_base_key.public_key;
  // Bob's signed prekey is his first ratchet key: the X3DH chain is our first receiver chain, and
  // our first sending chain comes from one root step with our own new ratchet key.
  const X25519PublicKey& their_ratchet = setup.their_ratchet_key ? *setup.their_ratchet_key : b.signed_prekey;
  PARLEY_TRY(auto dh, crypto::x25519_agree(setup.our_ratchet_key.private_key, their_ratchet));
  PARLEY_TRY(auto step, kdf_root(secret.root_key, dh.view()));
  s.root_key = step.root_key;
  s.sender = SenderChain{setup.our_ratchet_key, ChainKey{step.chain_key, 0}};
  s.receivers.push_back(ReceiverChain{their_ratchet, ChainKey{secret.chain_key, 0}});
  s.pending_prekey = PendingPreKey{b.prekey_id, b.signed_prekey_id, setup.our_base_key.public_key};
  return s;
}

core::Result<SessionState> respond_session(const ResponderSetup& setup) {
  PARLEY_TRY(auto secret, x3dh_responder({setup.our_identity, setup.our_signed_prekey, setup.our_one_time_prekey,
                                          setup.their_identity, setup.their_base_key}));
  SessionState s;
  s.local_identity = setup.our_identity.public_key;
  s.remote_identity = setup.their_identity;
  s.local_registration_id = setup.our_registration_id;
  s.remote_registration_id = setup.their_registration_id;
  s.base_key = setup.their_base_key;
  s.root_key = secret.root_key;
  s.sender = SenderChain{setup.our_ratchet_key, ChainKey{secret.chain_key, 0}};
  return s;
}

core::Result<core::Bytes> ratchet_encrypt(SessionState& state, core::BytesView plaintext, const MessageCodec& codec) {
  const Key32 seed = kdf_message_seed(state.sender.chain.key);
  PARLEY_TRY(auto keys, kdf_message_keys(seed));
  PARLEY_TRY(auto ciphertext, crypto::aes256_cbc_encrypt(keys.cipher_key.view(), keys.iv.view(), plaintext));
  SignalMessage message{state.version_byte, state.sender.ratchet_key.public_key, state.sender.chain.index,
                        state.previous_counter, std::move(ciphertext)};
  core::Bytes wire = codec.encode_signal_message(message);
  const auto mac = crypto::hmac_sha256(keys.mac_key.view(), mac_input(state.local_identity, state.remote_identity, wire));
  wire.insert(wire.end(), mac.begin(), mac.begin() + kMacSize);
  // Commit: nothing below can fail.
  state.sender.chain.key = kdf_chain_next(state.sender.chain.key);
  ++state.sender.chain.index;
  return wire;
}

core::Result<ReceivePlan> plan_decrypt(const SessionState& state, const ReceivedSignalMessage& message,
                                       crypto::Entropy& entropy, ReceiveBudget& budget) {
  const auto exhausted = [] { return core::make_error(Errc::limit_exceeded, "the message costs more work than is left for it"); };
  const SignalMessage& m = message.fields;
  if ((m.version_byte >> 4) != kSessionVersion)
    return core::make_error(Errc::unsupported_version, "session version " + std::to_string(m.version_byte >> 4));

  auto existing = std::find_if(state.receivers.begin(), state.receivers.end(),
                               [&](const ReceiverChain& c) { return c.ratchet_key == m.ratchet_key; });
  if (existing != state.receivers.end()) {
    if (m.counter < existing->chain.index) {
      const SkippedKeys::Id id{m.ratchet_key, m.counter};
      const Key32* seed = state.skipped.find(id);
      if (seed == nullptr) return core::make_error(Errc::duplicate_message, "message key already used or evicted");
      PARLEY_TRY(auto plaintext, open(state, message, *seed));
      return ReceivePlan{ReceivePlan::UseSkipped{id}, std::move(plaintext)};
    }
    PARLEY_CHECK(check_jump(existing->chain, m.counter));
    if (!budget.spend(m.counter - existing->chain.index + 1)) return exhausted();
    ReceivePlan::AdvanceChain advance{static_cast<std::size_t>(existing - state.receivers.begin()), existing->chain, {}};
    const Key32 seed = derive_to(advance.next, m.counter, m.ratchet_key, advance.skipped);
    PARLEY_TRY(auto plaintext, open(state, message, seed));
    return ReceivePlan{std::move(advance), std::move(plaintext)};
  }

  // A new ratchet key from the peer: a DH ratchet step (spec §5.3).
  PARLEY_CHECK(check_jump(ChainKey{}, m.counter));
  if (!budget.spend(kDhStepWork + m.counter + 1)) return exhausted();
  PARLEY_TRY(auto dh_receive, crypto::x25519_agree(state.sender.ratchet_key.private_key, m.ratchet_key));
  PARLEY_TRY(auto receive_step, kdf_root(state.root_key, dh_receive.view()));
  ReceivePlan::NewChain fresh{{}, ReceiverChain{m.ratchet_key, ChainKey{receive_step.chain_key, 0}}, {}, 0, {}};
  const Key32 seed = derive_to(fresh.receiver.chain, m.counter, m.ratchet_key, fresh.skipped);
  PARLEY_TRY(auto plaintext, open(state, message, seed));

  // Only an authenticated message costs entropy, so a forged one cannot shift a scripted replay.
  PARLEY_TRY(auto our_new_key, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(auto dh_send, crypto::x25519_agree(our_new_key.private_key, m.ratchet_key));
  PARLEY_TRY(auto send_step, kdf_root(receive_step.root_key, dh_send.view()));
  fresh.root_key = send_step.root_key;
  fresh.sender = SenderChain{std::move(our_new_key), ChainKey{send_step.chain_key, 0}};
  // libsignal's previous counter: the index of the last message sent on the chain being replaced.
  fresh.previous_counter = state.sender.chain.index > 0 ? state.sender.chain.index - 1 : 0;
  return ReceivePlan{std::move(fresh), std::move(plaintext)};
}

void commit_decrypt(SessionState& state, ReceivePlan&& plan) {
  // A decrypted reply proves the session to the initiator: stop sending prekey messages (§5.5).
  state.pending_prekey.reset();
  if (auto* used = std::get_if<ReceivePlan::UseSkipped>(&plan.change)) {
    state.skipped.erase(used->id);
  } else if (auto* advance = std::get_if<ReceivePlan::AdvanceChain>(&plan.change)) {
    state.receivers[advance->receiver].chain = std::move(advance->next);
    state.skipped.insert(std::move(advance->skipped));
  } else {
    auto& fresh = std::get<ReceivePlan::NewChain>(plan.change);
    state.root_key = fresh.root_key;
    state.sender = std::move(fresh.sender);
    state.previous_counter = fresh.previous_counter;
    state.receivers.insert(state.receivers.begin(), std::move(fresh.receiver));
    while (state.receivers.size() > kMaxReceiverChains) {
      state.skipped.erase_chain(state.receivers.back().ratchet_key);
      state.receivers.pop_back();
    }
    state.skipped.insert(std::move(fresh.skipped));
  }
}

core::Result<core::Bytes> ratchet_decrypt(SessionState& state, const ReceivedSignalMessage& message,
                                          crypto::Entropy& entropy) {
  ReceiveBudget budget;
  PARLEY_TRY(auto plan, plan_decrypt(state, message, entropy, budget));
  core::Bytes plaintext = std::move(plan.plaintext);
  commit_decrypt(state, std::move(plan));
  return plaintext;
}

}  // namespace parley::protocol
