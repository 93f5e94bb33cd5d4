// Type `device-link` (spec/test-vectors.md §3.16): the link of spec §8 rerun from the case's keys
// and randomness; every output byte must be the case's, and a mutated case must fail with its error.
#include "../device_link.h"
#include "checks.h"
#include "parley/core/hex.h"
#include "verifiers.h"

namespace parley::conformance::detail {

core::Result<Outcome> verify_device_link(const Case& c) {
  PARLEY_TRY(const auto inputs, read_link_inputs(c));
  PARLEY_TRY(const auto mutation_text, c.string("mutation"));
  PARLEY_TRY(const auto mutation, mutation_from_name(mutation_text));
  auto transcript = run_link(inputs, mutation);
  if (!transcript.ok()) return judge_expected_error(c, transcript.error());
  PARLEY_TRY(const auto expected_error, c.optional_errc("error"));
  if (expected_error) return Outcome::fail("expected " + std::string(core::errc_name(*expected_error)) + ", the link succeeded");
  PARLEY_TRY(const auto qr, c.string("qr_text"));
  if (qr != transcript->qr_text) return Outcome::fail("qr_text: expected " + qr + ", got " + transcript->qr_text);
  const std::pair<const char*, const core::Bytes*> fields[] = {
      {"account_signature_message", &transcript->account_signature_message},
      {"approval", &transcript->approval},
      {"device_signature_message", &transcript->device_signature_message},
      {"signed_identity", &transcript->signed_identity},
      {"device_list", &transcript->device_list},
      {"signed_device_list", &transcript->signed_device_list},
  };
  for (const auto& [name, got] : fields) {
    PARLEY_TRY(const auto expected, c.bytes(name));
    if (auto o = compare(name, expected, *got); failed(o)) return o;
  }
  return Outcome::pass();
}

}  // namespace parley::conformance::detail
