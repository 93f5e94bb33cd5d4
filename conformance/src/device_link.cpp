#include "device_link.h"

#include <array>

#include "parley/protocol/devices/linking.h"

namespace parley::conformance::detail {

namespace devices = protocol::devices;
using core::Errc;

namespace {

constexpr std::array kMutations = {
    std::pair{LinkMutation::none, std::string_view("none")},
    std::pair{LinkMutation::scan_after_expiry, std::string_view("scan_after_expiry")},
    std::pair{LinkMutation::scan_twice, std::string_view("scan_twice")},
    std::pair{LinkMutation::tamper_approval, std::string_view("tamper_approval")},
    std::pair{LinkMutation::tamper_confirmation, std::string_view("tamper_confirmation")},
    std::pair{LinkMutation::verify_rolled_back, std::string_view("verify_rolled_back")},
    std::pair{LinkMutation::verify_unsigned, std::string_view("verify_unsigned")},
    std::pair{LinkMutation::verify_expired, std::string_view("verify_expired")},
};

core::Error not_refused(std::string_view step) {
  return core::make_error(Errc::internal, "device-link: " + std::string(step) + " accepted what it must refuse");
}

}  // namespace

std::string_view mutation_name(LinkMutation m) {
  for (const auto& [value, name] : kMutations)
    if (value == m) return name;
  return "none";
}

core::Result<LinkMutation> mutation_from_name(std::string_view name) {
  for (const auto& [value, n] : kMutations)
    if (n == name) return value;
  return core::make_error(Errc::malformed, "unknown mutation '" + std::string(name) + "'");
}

core::Result<LinkTranscript> run_link(const LinkInputs& in, LinkMutation mutation) {
  PARLEY_TRY(const auto primary, crypto::x25519_key_pair_from_private(in.primary_identity_private));
  PARLEY_TRY(const auto companion, crypto::x25519_key_pair_from_private(in.companion_identity_private));
  PARLEY_TRY(const auto noise, crypto::x25519_key_pair_from_private(in.companion_noise_private));
  crypto::ScriptedEntropy companion_entropy(in.companion_entropy);
  crypto::ScriptedEntropy primary_entropy(in.primary_entropy);
  const devices::DeviceList current{in.account, in.list_version, in.offer_at_ms, {{devices::kPrimaryDevice, 0, primary.public_key}}};

  LinkTranscript t;
  PARLEY_TRY(auto companion_linker, devices::CompanionLinker::start(companion, noise.public_key, in.registration_id,
                                                                    in.server_ref, in.offer_at_ms, companion_entropy));
  t.qr_text = companion_linker.qr_text();
  devices::PrimaryLinker primary_linker(primary, in.account, in.next_key_index);
  if (mutation == LinkMutation::scan_after_expiry) {
    auto late = primary_linker.scan(t.qr_text, companion_linker.offer().expires_at_ms + 1);
    return late.ok() ? not_refused("scan") : late.error();
  }
  PARLEY_TRY(const auto offer, primary_linker.scan(t.qr_text, in.scan_at_ms));
  if (mutation == LinkMutation::scan_twice) {
    auto again = primary_linker.scan(t.qr_text, in.scan_at_ms);
    return again.ok() ? not_refused("scan") : again.error();
  }
  PARLEY_TRY(t.approval, primary_linker.approve(in.device, in.approve_at_ms, primary_entropy));
  const devices::DeviceIdentity details{in.account, in.device, in.next_key_index, in.approve_at_ms};
  t.account_signature_message = devices::account_signature_message(details, offer.identity_key);
  t.device_signature_message = devices::device_signature_message(details, offer.identity_key, primary.public_key);
  if (mutation == LinkMutation::tamper_approval) {
    auto tampered = t.approval;
    tampered.back() ^= 0x01;
    auto refused = companion_linker.on_approval(tampered, companion_entropy);
    return refused.ok() ? not_refused("the companion") : refused.error();
  }
  PARLEY_TRY(const auto linked, companion_linker.on_approval(t.approval, companion_entropy));
  t.signed_identity = linked.signed_identity;
  if (mutation == LinkMutation::tamper_confirmation) {
    auto tampered = t.signed_identity;
    tampered.back() ^= 0x01;
    auto refused = primary_linker.confirm(tampered, current, in.confirm_at_ms, primary_entropy);
    return refused.ok() ? not_refused("confirm") : refused.error();
  }
  PARLEY_TRY(t.signed_device_list, primary_linker.confirm(t.signed_identity, current, in.confirm_at_ms, primary_entropy));
  t.device_list.assign(t.signed_device_list.begin(), t.signed_device_list.end() - crypto::kSignatureSize);

  devices::DeviceListCheck check{in.account, primary.public_key, in.list_version, in.confirm_at_ms};
  core::BytesView checked = t.signed_device_list;
  switch (mutation) {
    case LinkMutation::verify_rolled_back: check.known_version = in.list_version + 2; break;
    case LinkMutation::verify_unsigned: checked = t.device_list; break;
    case LinkMutation::verify_expired: check.now_ms = in.confirm_at_ms + devices::kDeviceListMaxAgeMs + 1; break;
    default: break;
  }
  auto verified = devices::verify_device_list(checked, check);
  if (mutation != LinkMutation::none) return verified.ok() ? not_refused("the device list verifier") : verified.error();
  if (!verified.ok()) return verified.error();
  return t;
}

core::Result<LinkInputs> read_link_inputs(const Case& c) {
  LinkInputs in;
  PARLEY_TRY(in.primary_identity_private, c.bytes("primary_identity_private"));
  PARLEY_TRY(in.companion_identity_private, c.bytes("companion_identity_private"));
  PARLEY_TRY(in.companion_noise_private, c.bytes("companion_noise_private"));
  PARLEY_TRY(in.account, c.uint("account"));
  PARLEY_TRY(const auto device, c.uint("device"));
  PARLEY_TRY(const auto key_index, c.uint("next_key_index"));
  PARLEY_TRY(const auto registration_id, c.uint("registration_id"));
  if (device > UINT32_MAX || key_index > UINT32_MAX || registration_id > UINT32_MAX)
    return c.field_error("device", "device, next_key_index and registration_id are 32-bit");
  in.device = static_cast<std::uint32_t>(device);
  in.next_key_index = static_cast<std::uint32_t>(key_index);
  in.registration_id = static_cast<std::uint32_t>(registration_id);
  PARLEY_TRY(in.server_ref, c.bytes("server_ref"));
  PARLEY_TRY(in.list_version, c.uint("list_version"));
  PARLEY_TRY(in.offer_at_ms, c.uint("offer_at_ms"));
  PARLEY_TRY(in.scan_at_ms, c.uint("scan_at_ms"));
  PARLEY_TRY(in.approve_at_ms, c.uint("approve_at_ms"));
  PARLEY_TRY(in.confirm_at_ms, c.uint("confirm_at_ms"));
  PARLEY_TRY(in.companion_entropy, c.bytes("companion_entropy"));
  PARLEY_TRY(in.primary_entropy, c.bytes("primary_entropy"));
  return in;
}

}  // namespace parley::conformance::detail
