#include "parley/protocol/groups/sender_key_chain.h"

#include <array>

#include "parley/crypto/hkdf.h"

namespace parley::protocol::groups {

core::Result<SenderMessageKeys> sender_message_keys(const core::Key32& seed) {
  static constexpr std::array<std::uint8_t, 32> kZeroSalt{};
  PARLEY_TRY(const auto okm, crypto::hkdf_sha256(seed.view(), kZeroSalt, core::as_bytes("WhisperGroup"), 48));
  return SenderMessageKeys{core::SecretArray<16>(okm.view().subspan(0, 16)),
                           core::Key32(okm.view().subspan(16, 32))};
}

}  // namespace parley::protocol::groups
