// Type `signal-ratchet-kdf`: libsignal's chain step and message keys (spec §5.2).
#include "checks.h"
#include "parley/protocol/kdf.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_signal_ratchet_kdf(const Case& c) {
  PARLEY_TRY(const auto kind, c.string("kind"));
  if (kind != "chain") return unsupported_kind(kind);
  PARLEY_TRY(const auto chain_key, c.bytes("chain_key"));
  PARLEY_TRY(const auto cipher_key, c.bytes("message_cipher_key"));
  PARLEY_TRY(const auto mac_key, c.bytes("message_mac_key"));
  PARLEY_TRY(const auto next_chain_key, c.bytes("next_chain_key"));
  if (chain_key.size() != 32) return c.field_error("chain_key", "must be 32 bytes");
  const core::Key32 ck(chain_key);
  auto keys = protocol::kdf_message_keys(protocol::kdf_message_seed(ck));
  if (!keys) return unexpected_error("message keys", keys.error());
  for (auto o : {compare("message_cipher_key", cipher_key, keys->cipher_key.view()),
                 compare("message_mac_key", mac_key, keys->mac_key.view()),
                 compare("next_chain_key", next_chain_key, protocol::kdf_chain_next(ck).view())})
    if (failed(o)) return o;
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
