// Linking and device lists (spec §8): the happy path end to end, and every way the issue names to
// get it wrong (an expired or replayed QR code, a wrong link secret, a bad signature, an unsigned,
// stale or rolled-back list) refused with its own error.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "parley/protocol/devices/device_identity.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/devices/link_offer.h"
#include "parley/protocol/devices/linking.h"

namespace parley::protocol::devices {
namespace {

using core::Errc;

constexpr std::uint64_t kNow = 1'900'000'000'000;
constexpr std::uint64_t kAccount = 4242;

crypto::X25519KeyPair key(std::uint64_t seed) {
  crypto::StreamEntropy e(seed);
  return crypto::generate_x25519_key_pair(e).value();
}

struct Scenario {
  crypto::StreamEntropy entropy{7};
  crypto::X25519KeyPair primary = key(1);
  crypto::X25519KeyPair companion = key(2);
  crypto::X25519KeyPair companion_noise = key(3);
  DeviceList list{kAccount, 1, kNow, {{1, 0, key(1).public_key}}};
  PrimaryLinker linker{primary, kAccount, 1};

  CompanionLinker start(std::uint64_t now = kNow) {
    return CompanionLinker::start(companion, companion_noise.public_key, 77, core::Bytes{1, 2, 3}, now, entropy).value();
  }
};

TEST(LinkOffer, RoundTripsThroughItsCanonicalText) {
  Scenario s;
  const auto c = s.start();
  const auto text = c.qr_text();
  EXPECT_EQ(text.rfind("PARLEY-LINK:1:010203:", 0), 0u);
  EXPECT_EQ(text.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-:"), std::string::npos)  // QR alphanumeric
      << text;
  const auto parsed = parse_link_offer(text).value();
  EXPECT_EQ(parsed.server_ref, (core::Bytes{1, 2, 3}));
  EXPECT_EQ(parsed.identity_key, s.companion.public_key);
  EXPECT_EQ(parsed.noise_key, s.companion_noise.public_key);
  EXPECT_EQ(parsed.link_secret, c.offer().link_secret);
  EXPECT_EQ(parsed.registration_id, 77u);
  EXPECT_EQ(parsed.expires_at_ms, kNow + kLinkOfferLifetimeMs);
  EXPECT_EQ(encode_link_offer(parsed), text);
}

// The server's reference in a QR code is 1 to kMaxServerRefSize bytes.
TEST(LinkOffer, ServerRefAtNAndNPlusOne) {
  Scenario s;
  auto at = CompanionLinker::start(s.companion, s.companion_noise.public_key, 77, core::Bytes(kMaxServerRefSize, 9), kNow, s.entropy);
  ASSERT_TRUE(at.ok()) << core::to_string(at.error());
  EXPECT_EQ(parse_link_offer(at->qr_text()).value().server_ref, core::Bytes(kMaxServerRefSize, 9));
  auto over = at->offer();
  over.server_ref = core::Bytes(kMaxServerRefSize + 1, 9);
  EXPECT_EQ(parse_link_offer(encode_link_offer(over)).code(), Errc::malformed);
}

TEST(LinkOffer, RefusesEverythingButTheExactLayout) {
  Scenario s;
  const auto text = s.start().qr_text();
  auto code = [](const std::string& t) { return parse_link_offer(t).code(); };
  EXPECT_EQ(code("PARLEY-LINK:2:" + text.substr(14)), Errc::unsupported_version);
  EXPECT_EQ(code("HELLO"), Errc::malformed);
  EXPECT_EQ(code(text + ":1"), Errc::malformed);               // an extra field
  EXPECT_EQ(code(text.substr(0, text.rfind(':'))), Errc::malformed);  // a missing one
  std::string lower = text;
  lower[14] = 'a';  // "0A..." would be fine; lower case is not canonical
  EXPECT_EQ(code(lower), Errc::malformed);
  EXPECT_EQ(code(text.substr(0, text.rfind(':') + 1) + "0" + text.substr(text.rfind(':') + 1)), Errc::malformed);
  EXPECT_EQ(code(text + std::string(kMaxLinkOfferText, '0')), Errc::malformed);
  // The identity key's type byte, and the signature over the Noise key.
  std::string bad_key = text;
  bad_key.replace(bad_key.find(":05") + 1, 2, "07");
  EXPECT_EQ(code(bad_key), Errc::bad_key);
  auto swapped = parse_link_offer(text).value();
  swapped.noise_key = key(99).public_key;  // a Noise key the identity never signed
  EXPECT_EQ(code(encode_link_offer(swapped)), Errc::bad_signature);
}

TEST(Linking, ACompanionIsLinkedAndTheNewListVerifies) {
  Scenario s;
  auto companion = s.start();
  const auto offer = s.linker.scan(companion.qr_text(), kNow + 1000).value();
  EXPECT_EQ(offer.identity_key, s.companion.public_key);
  const auto approval = s.linker.approve(2, kNow + 2000, s.entropy).value();
  EXPECT_EQ(approval.size(), kLinkApprovalSize);
  const auto result = companion.on_approval(approval, s.entropy).value();
  EXPECT_EQ(result.account, kAccount);
  EXPECT_EQ(result.device, 2u);
  EXPECT_EQ(result.primary_identity, s.primary.public_key);
  const auto identity = decode_signed_device_identity(result.signed_identity).value();
  EXPECT_TRUE(verify_device_identity(identity, s.companion.public_key, s.primary.public_key).ok());
  EXPECT_EQ(identity.details.key_index, 1u);

  const auto signed_list = s.linker.confirm(result.signed_identity, s.list, kNow + 3000, s.entropy).value();
  const auto list = verify_device_list(signed_list, {kAccount, s.primary.public_key, 1, kNow + 4000}).value();
  EXPECT_EQ(list.version, 2u);
  ASSERT_EQ(list.devices.size(), 2u);
  EXPECT_EQ(list.devices[1], (DeviceListEntry{2, 1, s.companion.public_key}));
  EXPECT_EQ(s.linker.next_key_index(), 2u);
  // A second approval for the same QR code is refused by the companion.
  EXPECT_EQ(companion.on_approval(approval, s.entropy).code(), Errc::replayed);
}

// A server that hands the companion the id of a device already in the list (deviceLinked names
// device 2 while device 2 is listed) cannot make the primary replace that device.
TEST(Linking, AConfirmationForADeviceIdInTheListIsRefused) {
  Scenario s;
  auto current = s.list;
  current.devices.push_back({2, 9, key(40).public_key});  // device 2 is someone else already
  auto companion = s.start();
  ASSERT_TRUE(s.linker.scan(companion.qr_text(), kNow + 1000).ok());
  const auto approval = s.linker.approve(2, kNow + 2000, s.entropy).value();
  const auto result = companion.on_approval(approval, s.entropy).value();
  EXPECT_EQ(s.linker.confirm(result.signed_identity, current, kNow + 3000, s.entropy).code(), Errc::conflict);
}

TEST(Linking, AnExpiredOrReplayedQrCodeIsRefused) {
  Scenario s;
  auto companion = s.start();
  EXPECT_EQ(s.linker.scan(companion.qr_text(), kNow + kLinkOfferLifetimeMs + 1).code(), Errc::expired);
  ASSERT_TRUE(s.linker.scan(companion.qr_text(), kNow + 10).ok());
  EXPECT_EQ(s.linker.scan(companion.qr_text(), kNow + 20).code(), Errc::replayed);
  // An offer claiming a longer life than a QR code has is refused too.
  auto offer = parse_link_offer(companion.qr_text()).value();
  offer.expires_at_ms = kNow + 10 * kLinkOfferLifetimeMs;
  EXPECT_EQ(s.linker.scan(encode_link_offer(offer), kNow).code(), Errc::expired);
}

TEST(Linking, AnApprovalWithoutTheLinkSecretIsRefused) {
  Scenario s;
  auto companion = s.start();
  ASSERT_TRUE(s.linker.scan(companion.qr_text(), kNow).ok());
  const auto approval = s.linker.approve(2, kNow, s.entropy).value();
  // Any flipped byte: the MAC (or, for the MAC itself, the comparison) fails.
  for (std::size_t i = 0; i < approval.size(); i += 7) {
    auto tampered = approval;
    tampered[i] ^= 0x01;
    const auto code = companion.on_approval(tampered, s.entropy).code();
    EXPECT_TRUE(code == Errc::bad_signature || code == Errc::bad_key) << "byte " << i << ": " << core::errc_name(code);
  }
  // Another companion's QR code (another secret) cannot take this approval.
  Scenario other;
  other.companion = key(50);
  auto stranger = other.start();
  EXPECT_EQ(stranger.on_approval(approval, s.entropy).code(), Errc::bad_signature);
  EXPECT_TRUE(companion.on_approval(approval, s.entropy).ok());
}

TEST(Linking, AConfirmationWithABadDeviceSignatureIsRefused) {
  Scenario s;
  auto companion = s.start();
  ASSERT_TRUE(s.linker.scan(companion.qr_text(), kNow).ok());
  const auto result = companion.on_approval(s.linker.approve(3, kNow, s.entropy).value(), s.entropy).value();
  auto tampered = result.signed_identity;
  tampered.back() ^= 0x40;
  EXPECT_EQ(s.linker.confirm(tampered, s.list, kNow, s.entropy).code(), Errc::bad_signature);
  EXPECT_TRUE(s.linker.confirm(result.signed_identity, s.list, kNow, s.entropy).ok());
}

TEST(DeviceList, RemovalPublishesAHigherVersionWithoutTheDevice) {
  Scenario s;
  s.list.devices.push_back({2, 1, s.companion.public_key});
  const auto signed_list = s.linker.remove(2, s.list, kNow + 5, s.entropy).value();
  const auto list = verify_device_list(signed_list, {kAccount, s.primary.public_key, 1, kNow}).value();
  EXPECT_EQ(list.version, 2u);
  EXPECT_EQ(list.find(2), nullptr);
  EXPECT_EQ(s.linker.remove(1, s.list, kNow, s.entropy).code(), Errc::malformed);
  EXPECT_EQ(s.linker.remove(4, s.list, kNow, s.entropy).code(), Errc::not_found);
}

TEST(DeviceList, TheVerifierRefusesUnsignedForgedStaleAndRolledBackLists) {
  Scenario s;
  s.list.version = 5;
  const auto signed_list = sign_device_list(s.list, s.primary, s.entropy).value();
  const DeviceListCheck check{kAccount, s.primary.public_key, 5, kNow};
  EXPECT_TRUE(verify_device_list(signed_list, check).ok());
  auto code = [&](core::BytesView bytes, DeviceListCheck c) { return verify_device_list(bytes, c).code(); };
  EXPECT_EQ(code(encode_device_list(s.list), check), Errc::malformed);  // unsigned: no room for a signature
  EXPECT_EQ(code(core::BytesView(signed_list).first(20), check), Errc::malformed);
  auto forged = signed_list;
  forged[forged.size() - 1] ^= 1;
  EXPECT_EQ(code(forged, check), Errc::bad_signature);
  auto rolled = check;
  rolled.known_version = 6;
  EXPECT_EQ(code(signed_list, rolled), Errc::conflict);
  auto later = check;
  later.now_ms = kNow + kDeviceListMaxAgeMs + 1;
  EXPECT_EQ(code(signed_list, later), Errc::expired);
  auto stranger = check;
  stranger.primary_identity = key(9).public_key;
  EXPECT_EQ(code(signed_list, stranger), Errc::untrusted_identity);
  auto other_account = check;
  other_account.account = kAccount + 1;
  EXPECT_EQ(code(signed_list, other_account), Errc::malformed);
  // A list signed by a key that is not its own primary entry is never produced.
  EXPECT_EQ(sign_device_list(s.list, key(9), s.entropy).code(), Errc::untrusted_identity);
}

// A list holds 1 to kMaxDevicesPerAccount devices: five verify, six are refused.
TEST(DeviceList, DeviceCountAtNAndNPlusOne) {
  Scenario s;
  auto full = s.list;
  for (std::uint32_t d = 2; d <= kMaxDevicesPerAccount; ++d) full.devices.push_back({d, d, key(d + 10).public_key});
  const auto signed_list = sign_device_list(full, s.primary, s.entropy);
  ASSERT_TRUE(signed_list.ok()) << core::to_string(signed_list.error());
  EXPECT_EQ(verify_device_list(*signed_list, {kAccount, s.primary.public_key, std::nullopt, kNow}).value().devices.size(),
            kMaxDevicesPerAccount);
  auto over = full;
  over.devices.push_back({kMaxDevicesPerAccount + 1, 9, key(30).public_key});
  EXPECT_EQ(sign_device_list(over, s.primary, s.entropy).code(), Errc::malformed);
}

TEST(DeviceList, LayoutRulesAreChecked) {
  Scenario s;
  auto bad = s.list;
  bad.devices.push_back({2, 1, key(2).public_key});
  bad.devices.push_back({2, 2, key(3).public_key});
  EXPECT_EQ(sign_device_list(bad, s.primary, s.entropy).code(), Errc::malformed);  // a repeated id
  bad = s.list;
  for (std::uint32_t d = 2; d <= 6; ++d) bad.devices.push_back({d, d, key(d).public_key});
  EXPECT_EQ(sign_device_list(bad, s.primary, s.entropy).code(), Errc::malformed);  // six devices
  bad = s.list;
  bad.devices.front().device = 2;
  EXPECT_EQ(sign_device_list(bad, s.primary, s.entropy).code(), Errc::malformed);  // no primary
  bad = s.list;
  bad.version = 0;
  EXPECT_EQ(sign_device_list(bad, s.primary, s.entropy).code(), Errc::malformed);
}

RC_GTEST_PROP(DeviceList, AnyFlippedByteOfASignedListIsRefused, ()) {
  Scenario s;
  const auto companions = *rc::gen::inRange<std::uint32_t>(0, 5);
  for (std::uint32_t d = 0; d < companions; ++d) s.list.devices.push_back({d + 2, d + 1, key(100 + d).public_key});
  const auto signed_list = sign_device_list(s.list, s.primary, s.entropy).value();
  RC_ASSERT(decode_device_list(core::BytesView(signed_list).first(signed_list.size() - 64)).value() == s.list);
  const auto at = *rc::gen::inRange<std::size_t>(0, signed_list.size());
  const auto bit = *rc::gen::inRange<int>(0, 8);
  auto flipped = signed_list;
  flipped[at] ^= static_cast<std::uint8_t>(1u << bit);
  RC_ASSERT(!verify_device_list(flipped, {kAccount, s.primary.public_key, std::nullopt, kNow}).ok());
}

}  // namespace
}  // namespace parley::protocol::devices
