// Reading vector files (spec/test-vectors.md): JSON with bytes as hex. Every field access is
// checked and a bad field is an Error that names the case and the field, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::conformance {

// One case of a vector file: a JSON value plus typed, checked accessors. A case that is not a JSON
// object has no fields; every accessor then reports `malformed`.
//
// Errors are `malformed` with the detail "case '<id>': field '<name>': <problem>", so that a
// message about a vector file always says which case and which field to look at.
class Case {
 public:
  Case(const nlohmann::json* object, std::string id) : object_(object), id_(std::move(id)) {}

  // "<id>" for our files (or "#<index>" when a case has no id), "<protocol_name or name>#<index>"
  // for Noise files.
  const std::string& id() const { return id_; }

  bool has(std::string_view field) const;  // present and not null
  core::Result<core::Bytes> bytes(std::string_view field) const;
  // An array of hex strings (possibly empty).
  core::Result<std::vector<core::Bytes>> bytes_list(std::string_view field) const;
  core::Result<std::string> string(std::string_view field) const;
  core::Result<std::uint64_t> uint(std::string_view field) const;
  core::Result<bool> boolean(std::string_view field) const;

  // Absent values are written as null (or left out): these read them as nullopt.
  core::Result<std::optional<core::Bytes>> optional_bytes(std::string_view field) const;
  core::Result<std::optional<std::string>> optional_string(std::string_view field) const;
  // An error code by its published name (core::errc_name); an unknown name is `malformed`.
  core::Result<std::optional<core::Errc>> optional_errc(std::string_view field) const;

  // `malformed` naming this case and `field`; verifiers use it for inconsistent values too.
  core::Error field_error(std::string_view field, std::string_view problem) const;

  const nlohmann::json& json() const { return *object_; }

 private:
  core::Result<const nlohmann::json*> find(std::string_view field) const;

  const nlohmann::json* object_;
  std::string id_;
};

enum class FileFormat {
  parley,  // {"type": ..., "version": ..., "cases": [...]}
  noise,   // {"vectors": [...]} (cacophony/snow or noise-c)
};

// The type name a Noise file is dispatched under.
inline constexpr std::string_view kNoiseType = "noise";

class VectorFile {
 public:
  // Anything that is not a vector file (not JSON, not an object, a missing or mistyped "type",
  // "version" or "cases") is `malformed`; the detail names the field.
  static core::Result<VectorFile> parse(std::string_view text);

  FileFormat format() const { return format_; }
  const std::string& type() const { return type_; }   // kNoiseType for Noise files
  std::uint64_t version() const { return version_; }  // 0 for Noise files, which carry none
  const std::vector<Case>& cases() const { return cases_; }
  const nlohmann::json& root() const { return *root_; }

 private:
  std::shared_ptr<nlohmann::json> root_;  // shared so Case pointers stay valid when the file moves
  FileFormat format_ = FileFormat::parley;
  std::string type_;
  std::uint64_t version_ = 0;
  std::vector<Case> cases_;
};

}  // namespace parley::conformance
