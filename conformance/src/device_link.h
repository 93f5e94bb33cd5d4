// A companion linked by QR code (spec §8) run from fixed keys and fixed randomness, shared by the
// `device-link` generator and verifier (spec/test-vectors.md §3.16): the generator writes the
// transcript it produces, the verifier reruns the link from the file's inputs and compares every
// byte; a case with a mutation expects the error the mutated step must report.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::conformance::detail {

struct LinkInputs {
  core::Bytes primary_identity_private;
  core::Bytes companion_identity_private;
  core::Bytes companion_noise_private;
  std::uint64_t account = 0;
  std::uint32_t device = 0;          // what the server assigned at linkDevice
  std::uint32_t next_key_index = 0;  // the primary's counter before this link
  std::uint32_t registration_id = 0;
  core::Bytes server_ref;
  std::uint64_t list_version = 0;    // the primary's list before the link (the primary alone)
  std::uint64_t offer_at_ms = 0, scan_at_ms = 0, approve_at_ms = 0, confirm_at_ms = 0;
  // The companion draws the noise-key signature's Z (64), the link secret (32) and the device
  // signature's Z (64); the primary the account signature's Z (64) and the list signature's Z (64).
  core::Bytes companion_entropy;
  core::Bytes primary_entropy;
};

// What changes in a negative case, and so which step fails.
enum class LinkMutation {
  none,
  scan_after_expiry,        // the primary scans after the offer expired: expired
  scan_twice,               // the same QR text scanned again: replayed
  tamper_approval,          // one byte of the approval's MAC flipped: bad_signature
  tamper_confirmation,      // one byte of the device signature flipped: bad_signature
  verify_rolled_back,       // the new list checked by a verifier that knows a higher version: conflict
  verify_unsigned,          // the new list without its signature: malformed
  verify_expired,           // the new list checked 36 days later: expired
};
std::string_view mutation_name(LinkMutation m);
core::Result<LinkMutation> mutation_from_name(std::string_view name);

struct LinkTranscript {
  std::string qr_text;
  core::Bytes account_signature_message;
  core::Bytes approval;
  core::Bytes device_signature_message;
  core::Bytes signed_identity;
  core::Bytes device_list;         // the to-be-signed bytes of the new list
  core::Bytes signed_device_list;  // and signed
};

// Runs the link; under a mutation, returns the error of the step that must fail (or `internal` if
// it did not fail: a Parley bug).
core::Result<LinkTranscript> run_link(const LinkInputs& inputs, LinkMutation mutation);

core::Result<LinkInputs> read_link_inputs(const Case& c);

}  // namespace parley::conformance::detail
