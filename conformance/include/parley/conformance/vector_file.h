// Reading vector files (spec/test-vectors.md): JSON with bytes as hex. Every field access is
// checked and a bad field is an Error that names the case and the field, never an exception.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::conformance {

// Where a case came from, for messages: "<case id>" for our files, "<protocol_name>#<index>" for Noise.
struct CaseRef {
  std::string id;
};

// One case of a vector file: a JSON object plus typed, checked accessors.
class Case {
 public:
  Case(const nlohmann::json* object, std::string id) : object_(object), id_(std::move(id)) {}
  const std::string& id() const { return id_; }
  bool has(std::string_view field) const;  // present and not null
  core::Result<core::Bytes> bytes(std::string_view field) const;
  core::Result<std::string> string(std::string_view field) const;
  core::Result<std::uint64_t> uint(std::string_view field) const;
  core::Result<bool> boolean(std::string_view field) const;
  const nlohmann::json& json() const { return *object_; }

 private:
  const nlohmann::json* object_;
  std::string id_;
};

enum class FileFormat {
  parley,      // {"type": ..., "version": ..., "cases": [...]}
  noise,       // {"vectors": [...]} (cacophony/snow or noise-c)
};

class VectorFile {
 public:
  static core::Result<VectorFile> parse(std::string_view text);
  FileFormat format() const { return format_; }
  const std::string& type() const { return type_; }  // "noise" for Noise files
  std::uint64_t version() const { return version_; }
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
