#include "parley/conformance/generator.h"

#include <array>
#include <nlohmann/json.hpp>

#include "generators/generators.h"
#include "parley/core/hex.h"

namespace parley::conformance {

namespace {

struct GeneratorEntry {
  GeneratedFile file;
  core::Result<std::string> (*generate)();
};

// One entry per committed file under spec/vectors/. A new topic of a type is a new entry (and a
// new file); an existing entry's output never changes (spec/test-vectors.md §1.1).
constexpr std::array kGenerators{
    GeneratorEntry{{"crypto-basics", ""}, detail::generate_crypto_basics},
    GeneratorEntry{{"x3dh", ""}, detail::generate_x3dh},
    GeneratorEntry{{"x3dh", "prekey-combinations"}, detail::generate_x3dh_prekey_combinations},
    GeneratorEntry{{"ratchet-transcript", ""}, detail::generate_ratchet_transcript},
    GeneratorEntry{{"ratchet-transcript", "conversations"},
                   detail::generate_ratchet_transcript_conversations},
    GeneratorEntry{{"session-negative", ""}, detail::generate_session_negative},
    GeneratorEntry{{"noise-pipes", ""}, detail::generate_noise_pipes},
    GeneratorEntry{{"noise-pipes", "suites"}, detail::generate_noise_pipes_suites},
    GeneratorEntry{{"device-link", ""}, detail::generate_device_link},
    GeneratorEntry{{"fanout", ""}, detail::generate_fanout},
    GeneratorEntry{{"fingerprint", ""}, detail::generate_fingerprint},
    GeneratorEntry{{"receipts", ""}, detail::generate_receipts},
    GeneratorEntry{{"whatsapp-media", ""}, detail::generate_whatsapp_media},
    GeneratorEntry{{"signal-sender-key", ""}, detail::generate_signal_sender_key},
    GeneratorEntry{{"group-membership", ""}, detail::generate_group_membership},
};

}  // namespace

std::string GeneratedFile::name() const {
  return topic.empty() ? std::string(type) : std::string(type) + "-" + std::string(topic);
}

core::Result<std::string> generate(std::string_view name) {
  for (const auto& entry : kGenerators) {
    if (entry.file.name() != name) continue;
    // nlohmann can throw while building or dumping (e.g. invalid UTF-8); no exception leaves the library.
    try {
      return entry.generate();
    } catch (const nlohmann::json::exception& e) {
      return core::make_error(core::Errc::internal,
                              std::string("generating ") + std::string(name) + ": " + e.what());
    }
  }
  return core::make_error(core::Errc::unsupported, "no generated file named '" + std::string(name) + "'");
}

std::vector<GeneratedFile> generated_files() {
  std::vector<GeneratedFile> out;
  for (const auto& entry : kGenerators) out.push_back(entry.file);
  return out;
}

namespace detail {

std::string vector_file_text(std::string_view type, std::string_view notes, const LabelledSeed& seed,
                             nlohmann::ordered_json cases) {
  nlohmann::ordered_json root;
  root["type"] = type;
  root["version"] = 1;
  root["notes"] = notes;
  root["seed"] = core::to_hex(seed.seed());
  root["cases"] = std::move(cases);
  return root.dump(2) + "\n";
}

}  // namespace detail

}  // namespace parley::conformance
