// The crypto provider libsignal-protocol-c asks its user for (it ships none), implemented with
// Botan 2: Parley's own backend for hashes, MACs and ciphers, so the peer adds no crypto library.
#pragma once

#include <botan/rng.h>
#include <signal_protocol.h>

namespace parley::testing::libsignal_c {

// Every random byte the library draws comes from `rng`, which must outlive each context the
// provider is installed in.
signal_crypto_provider make_botan_crypto_provider(Botan::RandomNumberGenerator& rng);

}  // namespace parley::testing::libsignal_c
