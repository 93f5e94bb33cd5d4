#include "parley/conformance/registry.h"

#include <array>
#include <nlohmann/json.hpp>

#include "verifiers/verifiers.h"

namespace parley::conformance {

namespace {

// Noise files carry no version (VectorFile gives them 0), hence version 0 for `noise`.
constexpr std::array kVerifiers{
    VerifierEntry{"hkdf", 1, detail::verify_hkdf},
    VerifierEntry{"hmac-sha256", 1, detail::verify_hmac_sha256},
    VerifierEntry{"x25519", 1, detail::verify_x25519},
    VerifierEntry{"xeddsa-verify", 1, detail::verify_xeddsa_verify},
    VerifierEntry{"xeddsa-sign", 1, detail::verify_xeddsa_sign},
    VerifierEntry{"ed25519-verify", 1, detail::verify_ed25519_verify},
    VerifierEntry{"crypto-basics", 1, detail::verify_crypto_basics},
    VerifierEntry{"signal-ratchet-kdf", 1, detail::verify_signal_ratchet_kdf},
    VerifierEntry{"signal-session-setup", 1, detail::verify_signal_session_setup},
    VerifierEntry{"signal-transcript", 1, detail::verify_signal_transcript},
    VerifierEntry{"x3dh", 1, detail::verify_x3dh},
    VerifierEntry{"ratchet-transcript", 1, detail::verify_ratchet_transcript},
    VerifierEntry{"session-negative", 1, detail::verify_session_negative},
    VerifierEntry{kNoiseType, 0, detail::verify_noise},
    VerifierEntry{"noise-pipes", 1, detail::verify_noise_pipes},
    VerifierEntry{"device-link", 1, detail::verify_device_link},
    VerifierEntry{"fanout", 1, detail::verify_fanout},
    VerifierEntry{"fingerprint", 1, detail::verify_fingerprint},
    VerifierEntry{"receipts", 1, detail::verify_receipts},
    VerifierEntry{"whatsapp-media", 1, detail::verify_whatsapp_media},
    VerifierEntry{"signal-sender-key", 1, detail::verify_signal_sender_key},
    VerifierEntry{"group-membership", 1, detail::verify_group_membership},
};

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return "PASS";
    case Verdict::fail:
      return "FAIL";
    case Verdict::skip:
      return "SKIP";
  }
  return "FAIL";
}

const VerifierEntry* find_verifier(std::string_view type) {
  for (const auto& entry : kVerifiers)
    if (entry.type == type) return &entry;
  return nullptr;
}

std::vector<std::string_view> supported_types() {
  std::vector<std::string_view> out;
  for (const auto& entry : kVerifiers) out.push_back(entry.type);
  return out;
}

std::vector<CaseOutcome> verify_cases(const VectorFile& file) {
  std::vector<CaseOutcome> out;
  out.reserve(file.cases().size());
  const VerifierEntry* entry = find_verifier(file.type());
  for (const Case& c : file.cases()) {
    if (entry == nullptr) {
      out.push_back({c.id(), Outcome::skip("unsupported type '" + file.type() + "'")});
    } else if (entry->version != file.version()) {
      out.push_back({c.id(), Outcome::skip("unsupported version " + std::to_string(file.version()) +
                                           " of type '" + file.type() + "'")});
    } else {
      // The verifiers only read JSON through Case's checked accessors, which do not throw; this is
      // the last line of the no-exceptions promise all the same.
      try {
        out.push_back({c.id(), entry->verify(c)});
      } catch (const nlohmann::json::exception& e) {
        out.push_back(
            {c.id(), core::make_error(core::Errc::malformed, "case '" + c.id() + "': " + e.what())});
      }
    }
  }
  return out;
}

}  // namespace parley::conformance
