#include "parley/conformance/generator.h"

#include <array>
#include <nlohmann/json.hpp>

#include "generators/generators.h"
#include "parley/core/hex.h"

namespace parley::conformance {

namespace {

struct GeneratorEntry {
  std::string_view type;
  core::Result<std::string> (*generate)();
};

constexpr std::array kGenerators{
    GeneratorEntry{"crypto-basics", detail::generate_crypto_basics},
    GeneratorEntry{"x3dh", detail::generate_x3dh},
    GeneratorEntry{"ratchet-transcript", detail::generate_ratchet_transcript},
    GeneratorEntry{"session-negative", detail::generate_session_negative},
    GeneratorEntry{"noise-pipes", detail::generate_noise_pipes},
    GeneratorEntry{"device-link", detail::generate_device_link},
    GeneratorEntry{"fanout", detail::generate_fanout},
    GeneratorEntry{"fingerprint", detail::generate_fingerprint},
    GeneratorEntry{"receipts", detail::generate_receipts},
};

}  // namespace

core::Result<std::string> generate(std::string_view type) {
  for (const auto& entry : kGenerators) {
    if (entry.type != type) continue;
    // nlohmann can throw while building or dumping (e.g. invalid UTF-8); no exception leaves the library.
    try {
      return entry.generate();
    } catch (const nlohmann::json::exception& e) {
      return core::make_error(core::Errc::internal,
                              std::string("generating ") + std::string(type) + ": " + e.what());
    }
  }
  return core::make_error(core::Errc::unsupported, "no generator for type '" + std::string(type) + "'");
}

std::vector<std::string_view> generator_types() {
  std::vector<std::string_view> out;
  for (const auto& entry : kGenerators) out.push_back(entry.type);
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
