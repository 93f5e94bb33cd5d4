// fuzz_device_list: a signed device list as a hostile server or peer could hand it over (spec §8.3).
//
// The input is the signed list. Decoding its body either fails with a typed error or re-encodes to
// the same bytes (one list, one encoding); verification against a fixed account key fails with a
// typed error, since no input can carry that key's signature, unless it is a list that key signed.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/protocol/devices/device_list.h"

namespace {

namespace devices = parley::protocol::devices;
using parley::core::Errc;

const parley::crypto::X25519KeyPair& account_key() {
  static const auto key = [] {
    parley::crypto::StreamEntropy e(1);
    return parley::crypto::generate_x25519_key_pair(e).value();
  }();
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const parley::core::BytesView input(data, size);
  if (size >= parley::crypto::kSignatureSize) {
    const auto body = input.first(size - parley::crypto::kSignatureSize);
    const auto decoded = devices::decode_device_list(body);
    if (decoded.ok()) {
      const auto again = devices::encode_device_list(*decoded);
      PARLEY_FUZZ_CHECK(parley::core::Bytes(body.begin(), body.end()) == again);
      PARLEY_FUZZ_CHECK(decoded->devices.size() >= 1 && decoded->devices.size() <= devices::kMaxDevicesPerAccount);
    } else {
      PARLEY_FUZZ_CHECK(decoded.code() == Errc::malformed || decoded.code() == Errc::bad_key);
    }
  }
  for (const std::uint64_t account : {0ull, 1012ull}) {
    const devices::DeviceListCheck check{account, account_key().public_key, 2, 1'900'000'000'000};
    const auto verified = devices::verify_device_list(input, check);
    if (verified.ok()) {
      PARLEY_FUZZ_CHECK(verified->account == account && verified->version >= 2);
      continue;
    }
    const auto code = verified.code();
    PARLEY_FUZZ_CHECK(code == Errc::malformed || code == Errc::bad_key || code == Errc::bad_signature ||
                      code == Errc::untrusted_identity || code == Errc::conflict || code == Errc::expired);
  }
  return 0;
}
