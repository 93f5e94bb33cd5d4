// fuzz_fingerprint: the bytes a camera reads from someone else's QR code (spec §8.7, the scannable
// safety number). The whole input is the scanned code.
//
// Every outcome is a typed error (malformed, unsupported_version) or a fingerprint whose encoding is
// the input itself (one fingerprint, one encoding); and the comparison agrees with the parse: it
// fails exactly when parsing does, and matches only the one code the peer would show.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/protocol/scannable_fingerprint.h"

namespace {

namespace protocol = parley::protocol;
using parley::core::Errc;

constexpr std::uint32_t kIterations = 2;  // the hash is not under test; the parser is

parley::crypto::X25519PublicKey key(std::uint64_t seed) {
  parley::crypto::StreamEntropy e(seed);
  return parley::crypto::generate_x25519_key_pair(e).value().public_key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const parley::core::BytesView scanned(data, size);
  const auto parsed = protocol::parse_scannable(scanned);
  if (parsed.ok()) {
    PARLEY_FUZZ_CHECK(parsed->version == protocol::kScannableFingerprintVersion);
    PARLEY_FUZZ_CHECK(protocol::encode_scannable(*parsed) == parley::core::Bytes(scanned.begin(), scanned.end()));
  } else {
    PARLEY_FUZZ_CHECK(parsed.code() == Errc::malformed || parsed.code() == Errc::unsupported_version);
  }

  static const auto alice_key = key(1), bob_key = key(2);
  const protocol::FingerprintSide alice{"1", alice_key}, bob{"2", bob_key};
  const auto compared = protocol::compare_scannable(alice, bob, scanned, kIterations);
  PARLEY_FUZZ_CHECK(compared.ok() == parsed.ok());
  if (!compared.ok()) {
    PARLEY_FUZZ_CHECK(compared.code() == parsed.code());
  } else if (*compared) {
    PARLEY_FUZZ_CHECK(parley::core::Bytes(scanned.begin(), scanned.end()) ==
                      protocol::scannable_fingerprint(bob, alice, kIterations));
  }
  return 0;
}
