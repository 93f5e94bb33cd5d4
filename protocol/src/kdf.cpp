#include "parley/protocol/kdf.h"

#include <algorithm>

#include "parley/crypto/hkdf.h"
#include "parley/crypto/hmac.h"

namespace parley::protocol {
namespace {

constexpr std::uint8_t kMessageKeySeed = 0x01;
constexpr std::uint8_t kChainKeySeed = 0x02;
constexpr std::array<std::uint8_t, 32> kZeroSalt{};

Key32 hmac_key32(const Key32& key, std::uint8_t byte) {
  auto mac = crypto::hmac_sha256(key.view(), core::BytesView(&byte, 1));
  Key32 out(mac);
  core::secure_zero(mac.data(), mac.size());
  return out;
}

}  // namespace

core::Result<RootStep> kdf_root(const Key32& root_key, core::BytesView dh_output) {
  PARLEY_TRY(auto okm, crypto::hkdf_sha256(dh_output, root_key.view(), core::as_bytes("WhisperRatchet"), 64));
  return RootStep{Key32(okm.view().subspan(0, 32)), Key32(okm.view().subspan(32, 32))};
}

Key32 kdf_chain_next(const Key32& chain_key) { return hmac_key32(chain_key, kChainKeySeed); }

Key32 kdf_message_seed(const Key32& chain_key) { return hmac_key32(chain_key, kMessageKeySeed); }

core::Result<MessageKeys> kdf_message_keys(const Key32& seed) {
  PARLEY_TRY(auto okm, crypto::hkdf_sha256(seed.view(), kZeroSalt, core::as_bytes("WhisperMessageKeys"), 80));
  return MessageKeys{Key32(okm.view().subspan(0, 32)), Key32(okm.view().subspan(32, 32)),
                     core::SecretArray<16>(okm.view().subspan(64, 16))};
}

}  // namespace parley::protocol
