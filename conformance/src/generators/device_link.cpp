// Generates spec/vectors/device-link.json (spec/test-vectors.md §3.16): a companion linked by QR
// code (spec §8) from fixed keys and randomness, with the QR text, every to-be-signed byte string,
// the approval, the signed identity and the new signed device list; and one case per way the link
// must fail (expired or replayed QR code, a wrong link secret, a bad device signature, a rolled-back,
// unsigned or expired list), each with its error.
#include <nlohmann/json.hpp>

#include "../device_link.h"
#include "generators.h"
#include "parley/core/hex.h"
#include "parley/crypto/x25519.h"

namespace parley::conformance::detail {

namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kSeedName = "parley device-link v1";

LinkInputs inputs(const LabelledSeed& seed, const std::string& id) {
  LinkInputs in;
  in.primary_identity_private = seed.x25519_private_key(id + "/primary-identity");
  in.companion_identity_private = seed.x25519_private_key(id + "/companion-identity");
  in.companion_noise_private = seed.x25519_private_key(id + "/companion-noise");
  in.account = 1000 + seed.derive(id + "/account", 1)[0];
  in.device = 2 + seed.derive(id + "/device", 1)[0] % 4;
  in.next_key_index = 1 + seed.derive(id + "/key-index", 1)[0] % 8;
  in.registration_id = 1 + seed.derive(id + "/registration-id", 1)[0];
  in.server_ref = seed.derive(id + "/server-ref", 16);
  in.list_version = 1 + seed.derive(id + "/list-version", 1)[0] % 4;
  in.offer_at_ms = 1'900'000'000'000;
  in.scan_at_ms = in.offer_at_ms + 5'000;
  in.approve_at_ms = in.offer_at_ms + 6'000;
  in.confirm_at_ms = in.offer_at_ms + 7'000;
  in.companion_entropy = seed.derive(id + "/companion-entropy", 160);
  in.primary_entropy = seed.derive(id + "/primary-entropy", 128);
  return in;
}

Json input_json(const LinkInputs& in) {
  return Json{{"primary_identity_private", core::to_hex(in.primary_identity_private)},
              {"companion_identity_private", core::to_hex(in.companion_identity_private)},
              {"companion_noise_private", core::to_hex(in.companion_noise_private)},
              {"account", in.account},
              {"device", in.device},
              {"next_key_index", in.next_key_index},
              {"registration_id", in.registration_id},
              {"server_ref", core::to_hex(in.server_ref)},
              {"list_version", in.list_version},
              {"offer_at_ms", in.offer_at_ms},
              {"scan_at_ms", in.scan_at_ms},
              {"approve_at_ms", in.approve_at_ms},
              {"confirm_at_ms", in.confirm_at_ms},
              {"companion_entropy", core::to_hex(in.companion_entropy)},
              {"primary_entropy", core::to_hex(in.primary_entropy)}};
}

}  // namespace

core::Result<std::string> generate_device_link() {
  const LabelledSeed seed(kSeedName);
  Json cases = Json::array();
  {
    const std::string id = "link";
    const auto in = inputs(seed, id);
    PARLEY_TRY(const auto t, run_link(in, LinkMutation::none));
    Json c{{"id", id}, {"description", "a companion linked by QR code; the primary publishes the list with it"}};
    c.update(input_json(in));
    c["mutation"] = "none";
    c["error"] = nullptr;
    c["qr_text"] = t.qr_text;
    c["account_signature_message"] = core::to_hex(t.account_signature_message);
    c["approval"] = core::to_hex(t.approval);
    c["device_signature_message"] = core::to_hex(t.device_signature_message);
    c["signed_identity"] = core::to_hex(t.signed_identity);
    c["device_list"] = core::to_hex(t.device_list);
    c["signed_device_list"] = core::to_hex(t.signed_device_list);
    cases.push_back(std::move(c));
  }
  const std::pair<LinkMutation, const char*> negatives[] = {
      {LinkMutation::scan_after_expiry, "the primary scans the QR code after it expired"},
      {LinkMutation::scan_twice, "the same QR code scanned twice"},
      {LinkMutation::tamper_approval, "an approval whose MAC is not under the QR code's link secret"},
      {LinkMutation::tamper_confirmation, "a confirmation whose device signature does not verify"},
      {LinkMutation::verify_rolled_back, "the new list checked by a verifier that knows a higher version"},
      {LinkMutation::verify_unsigned, "the new list without its signature"},
      {LinkMutation::verify_expired, "the new list checked more than 35 days after it was signed"},
  };
  for (const auto& [mutation, description] : negatives) {
    const std::string id(mutation_name(mutation));
    const auto in = inputs(seed, id);
    auto refused = run_link(in, mutation);
    if (refused.ok() || refused.code() == core::Errc::internal)
      return core::make_error(core::Errc::internal, "device-link: mutation " + id + " was not refused");
    Json c{{"id", id}, {"description", description}};
    c.update(input_json(in));
    c["mutation"] = id;
    c["error"] = core::errc_name(refused.code());
    cases.push_back(std::move(c));
  }
  return vector_file_text("device-link",
                          "Companion linking by QR code (spec §8): inputs, the QR text, the to-be-signed bytes, the "
                          "approval, the signed identity and the signed device list; negative cases name a mutation and "
                          "the error it must produce.",
                          seed, std::move(cases));
}

}  // namespace parley::conformance::detail
