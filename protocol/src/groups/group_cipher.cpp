// spec §11.1: the group cipher, in libsignal's receive order.
#include "parley/protocol/groups/group_cipher.h"

#include <algorithm>
#include <array>
#include <limits>

#include "parley/crypto/cipher.h"
#include "parley/protocol/groups/sender_key_chain.h"
#include "parley/protocol/kdf.h"
#include "parley/protocol/limits.h"

namespace parley::protocol::groups {
namespace {

using core::Errc;
constexpr std::uint32_t kLastIteration = std::numeric_limits<std::uint32_t>::max();

// libsignal writes the state's version in the high nibble and its current version, 3, in the low.
std::uint8_t version_byte_for(const SenderKeyState& state) {
  return static_cast<std::uint8_t>(((state.effective_message_version() & 0xf) << 4) | kSenderKeyVersion);
}

core::Result<SenderKeyState> new_sender_state(crypto::Entropy& entropy) {
  std::array<std::uint8_t, 4> id{};
  PARLEY_CHECK(entropy.fill(id));
  SenderKeyState state;
  // A 31-bit chain id, as libsignal draws it (random u32 >> 1): it fits a signed 32-bit integer.
  state.chain_id = (static_cast<std::uint32_t>(id[0]) | static_cast<std::uint32_t>(id[1]) << 8 |
                    static_cast<std::uint32_t>(id[2]) << 16 | static_cast<std::uint32_t>(id[3]) << 24) >>
                   1;
  PARLEY_CHECK(entropy.fill({state.chain_key.data(), state.chain_key.size()}));
  PARLEY_TRY(auto signing, crypto::generate_x25519_key_pair(entropy));
  state.signing_public = signing.public_key;
  state.signing_private = std::move(signing.private_key);
  return state;
}

}  // namespace

void apply(SenderKeyRecord& record, const ChainUpdate& update) {
  auto& state = record.states.at(update.state_index);
  if (update.used_stored) {
    const auto used = std::find_if(state.message_keys.begin(), state.message_keys.end(),
                                   [&](const auto& k) { return k.iteration == *update.used_stored; });
    if (used != state.message_keys.end()) state.message_keys.erase(used);
    return;
  }
  state.message_keys.insert(state.message_keys.end(), update.skipped.begin(), update.skipped.end());
  while (state.message_keys.size() > kMaxSenderMessageKeys) state.message_keys.pop_front();
  state.iteration = update.next_iteration;
  state.chain_key = update.next_chain_key;
}

core::Result<Distribution> create_distribution(const std::optional<SenderKeyRecord>& existing,
                                               const DistributionId& distribution_id,
                                               crypto::Entropy& entropy) {
  Distribution out;
  if (existing && !existing->states.empty()) {
    out.record = *existing;
  } else {
    PARLEY_TRY(auto state, new_sender_state(entropy));
    add_state(out.record, std::move(state));
  }
  const auto& front = out.record.states.front();
  out.message.version_byte = version_byte_for(front);
  out.message.distribution_id = distribution_id;
  out.message.chain_id = front.chain_id;
  out.message.iteration = front.iteration;
  out.message.chain_key = front.chain_key;
  out.message.signing_key = front.signing_public;
  return out;
}

void process_distribution(SenderKeyRecord& record, const SenderKeyDistributionMessage& message) {
  SenderKeyState state;
  state.message_version = message.version_byte >> 4;
  state.chain_id = message.chain_id;
  state.iteration = message.iteration;
  state.chain_key = message.chain_key;
  state.signing_public = message.signing_key;
  add_state(record, std::move(state));
}

core::Result<Encrypted> group_encrypt(const SenderKeyRecord& record, const DistributionId& distribution_id,
                                      core::BytesView plaintext, const SenderKeyCodec& codec,
                                      crypto::Entropy& entropy) {
  if (record.states.empty()) return core::make_error(Errc::no_session, "no sender key to encrypt with");
  const auto& state = record.states.front();
  if (!state.signing_private)
    return core::make_error(Errc::bad_key, "the sender key has no private signing key");
  if (state.iteration == kLastIteration)
    return core::make_error(Errc::limit_exceeded, "the sender chain is spent");
  const core::Key32 seed = kdf_message_seed(state.chain_key);
  PARLEY_TRY(const auto keys, sender_message_keys(seed));
  SenderKeyMessage message{version_byte_for(state), distribution_id, state.chain_id, state.iteration, {}};
  PARLEY_TRY(message.ciphertext,
             crypto::aes256_cbc_encrypt(keys.cipher_key.view(), keys.iv.view(), plaintext));
  Encrypted out;
  out.message = codec.encode_message(message);
  PARLEY_TRY(const auto signature, crypto::xeddsa_sign(*state.signing_private, out.message, entropy));
  core::append(out.message, signature);
  out.update.next_iteration = state.iteration + 1;
  out.update.next_chain_key = kdf_chain_next(state.chain_key);
  return out;
}

core::Result<Decrypted> group_decrypt(const SenderKeyRecord* record,
                                      const ReceivedSenderKeyMessage& message) {
  const auto& m = message.fields;
  // 4, 5: the record, then the state of the message's chain.
  if (record == nullptr)
    return core::make_error(Errc::no_session, "no sender key for this sender and distribution");
  const auto found = std::find_if(record->states.begin(), record->states.end(),
                                  [&](const auto& s) { return s.chain_id == m.chain_id; });
  if (found == record->states.end())
    return core::make_error(Errc::no_session, "no sender key state for chain " + std::to_string(m.chain_id));
  const SenderKeyState& state = *found;
  Decrypted out;
  out.update.state_index = static_cast<std::size_t>(found - record->states.begin());
  // 6: the version.
  if (static_cast<std::uint32_t>(m.version_byte >> 4) != state.effective_message_version())
    return core::make_error(Errc::message_version_mismatch, "message version differs from its sender key's");
  // 7: the signature, before any key is derived, so a forged message costs one verification.
  if (!crypto::xeddsa_verify(state.signing_public, message.signed_bytes, message.signature))
    return core::make_error(Errc::bad_signature, "sender key message signature");
  // 8: the message key.
  core::Key32 seed;
  if (m.iteration < state.iteration) {
    const auto stored = std::find_if(state.message_keys.begin(), state.message_keys.end(),
                                     [&](const auto& k) { return k.iteration == m.iteration; });
    if (stored == state.message_keys.end())
      return core::make_error(Errc::duplicate_message,
                              "iteration " + std::to_string(m.iteration) + " already used");
    seed = stored->seed;
    out.update.used_stored = m.iteration;
  } else {
    const std::uint32_t jump = m.iteration - state.iteration;
    if (jump > kMaxSenderKeyForwardJump)
      return core::make_error(Errc::too_far_in_future, "iteration " + std::to_string(m.iteration));
    if (m.iteration == kLastIteration)
      return core::make_error(Errc::limit_exceeded, "the sender chain is spent");
    core::Key32 chain = state.chain_key;
    // Only the newest kMaxSenderMessageKeys of the skipped seeds survive apply(): derive no others.
    out.update.skipped.reserve(std::min<std::size_t>(jump, kMaxSenderMessageKeys));
    for (std::uint32_t i = state.iteration; i < m.iteration; ++i) {
      if (m.iteration - i <= kMaxSenderMessageKeys)
        out.update.skipped.push_back({i, kdf_message_seed(chain)});
      chain = kdf_chain_next(chain);
    }
    seed = kdf_message_seed(chain);
    out.update.next_iteration = m.iteration + 1;
    out.update.next_chain_key = kdf_chain_next(chain);
  }
  // 9: AES-256-CBC; an empty, ragged or badly padded ciphertext is decrypt_failed.
  PARLEY_TRY(const auto keys, sender_message_keys(seed));
  auto plaintext = crypto::aes256_cbc_decrypt(keys.cipher_key.view(), keys.iv.view(), m.ciphertext);
  if (!plaintext) return core::make_error(Errc::decrypt_failed, "sender key message ciphertext");
  out.plaintext = std::move(*plaintext);
  return out;
}

core::Result<ChainUpdate> skip_sender_iterations(const SenderKeyRecord& record, std::uint32_t count) {
  if (record.states.empty()) return core::make_error(Errc::no_session, "no sender key to advance");
  const auto& state = record.states.front();
  if (count > kLastIteration - state.iteration)
    return core::make_error(Errc::limit_exceeded, "the sender chain is spent");
  ChainUpdate out;
  out.next_iteration = state.iteration + count;
  out.next_chain_key = state.chain_key;
  for (std::uint32_t i = 0; i < count; ++i) out.next_chain_key = kdf_chain_next(out.next_chain_key);
  return out;
}

}  // namespace parley::protocol::groups
