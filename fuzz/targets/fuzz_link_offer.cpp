// fuzz_link_offer: the linking inputs a hostile party controls (spec §8): the QR text a primary
// scans, the approval a companion receives through the server, the confirmation a primary receives.
//
// First byte: 0 = the rest is a QR text for PrimaryLinker::scan; 1 = an approval for a companion
// that showed a fixed offer; 2 = a confirmation for a primary that scanned and approved a fixed
// companion. Every outcome is a typed error or, for a QR text, an offer whose canonical text is
// the input itself; nothing is ever linked without the link secret's MAC and both signatures.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "check.h"
#include "parley/protocol/devices/linking.h"

namespace {

namespace devices = parley::protocol::devices;
using parley::core::Errc;
constexpr std::uint64_t kNow = 1'900'000'000'000;

parley::crypto::X25519KeyPair key(std::uint64_t seed) {
  parley::crypto::StreamEntropy e(seed);
  return parley::crypto::generate_x25519_key_pair(e).value();
}

bool typed(Errc code) {
  return code == Errc::malformed || code == Errc::unsupported_version || code == Errc::bad_key ||
         code == Errc::bad_signature || code == Errc::expired || code == Errc::replayed;
}

void scan(std::string_view text) {
  const auto parsed = devices::parse_link_offer(text);
  if (parsed.ok()) {
    PARLEY_FUZZ_CHECK(devices::encode_link_offer(*parsed) == text);  // one offer, one text
  } else {
    PARLEY_FUZZ_CHECK(typed(parsed.code()));
  }
  devices::PrimaryLinker primary(key(1), 77, 1);
  const auto scanned = primary.scan(text, kNow);
  PARLEY_FUZZ_CHECK(scanned.ok() || typed(scanned.code()));
  if (scanned.ok()) PARLEY_FUZZ_CHECK(primary.scan(text, kNow).code() == Errc::replayed);
}

void approve(parley::core::BytesView approval) {
  parley::crypto::StreamEntropy entropy(3);
  auto companion = devices::CompanionLinker::start(key(2), key(3).public_key, 5, {1}, kNow, entropy).value();
  const auto linked = companion.on_approval(approval, entropy);
  // Without the link secret (which only this process knows) no approval can pass.
  PARLEY_FUZZ_CHECK(!linked.ok() && typed(linked.code()));
}

void confirm(parley::core::BytesView confirmation) {
  parley::crypto::StreamEntropy entropy(4);
  auto companion = devices::CompanionLinker::start(key(2), key(3).public_key, 5, {1}, kNow, entropy).value();
  devices::PrimaryLinker primary(key(1), 77, 1);
  PARLEY_FUZZ_CHECK(primary.scan(companion.qr_text(), kNow).ok());
  PARLEY_FUZZ_CHECK(primary.approve(2, kNow, entropy).ok());
  const devices::DeviceList current{77, 1, kNow, {{1, 0, key(1).public_key}}};
  const auto list = primary.confirm(confirmation, current, kNow, entropy);
  // The device signature is the companion's, over details only this run chose.
  PARLEY_FUZZ_CHECK(!list.ok() && (typed(list.code()) || list.code() == Errc::limit_exceeded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const parley::core::BytesView rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: scan(std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size())); break;
    case 1: approve(rest); break;
    default: confirm(rest); break;
  }
  return 0;
}
