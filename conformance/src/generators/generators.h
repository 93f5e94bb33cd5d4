// The generator of each vector file this project publishes, one source file per type (a type's
// further files, `<type>-<topic>.json`, are generated beside its first).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "parley/conformance/labelled_seed.h"
#include "parley/core/error.h"

namespace parley::conformance::detail {

// The text of a generated vector file: {"type", "version": 1, "notes", "seed", "cases"}, two-space
// indented with a final newline, keys in that order (spec/test-vectors.md §1.1).
std::string vector_file_text(std::string_view type, std::string_view notes, const LabelledSeed& seed,
                             nlohmann::ordered_json cases);

core::Result<std::string> generate_crypto_basics();
core::Result<std::string> generate_x3dh();
core::Result<std::string> generate_x3dh_prekey_combinations();
core::Result<std::string> generate_ratchet_transcript();
core::Result<std::string> generate_ratchet_transcript_conversations();
core::Result<std::string> generate_session_negative();
core::Result<std::string> generate_noise_pipes();
core::Result<std::string> generate_noise_pipes_suites();
core::Result<std::string> generate_device_link();
core::Result<std::string> generate_fanout();
core::Result<std::string> generate_fingerprint();
core::Result<std::string> generate_receipts();
core::Result<std::string> generate_whatsapp_media();
core::Result<std::string> generate_signal_sender_key();
core::Result<std::string> generate_group_membership();

}  // namespace parley::conformance::detail
