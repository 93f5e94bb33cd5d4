#include "parley/conformance/vector_file.h"

#include <nlohmann/json.hpp>

#include "parley/core/hex.h"

namespace parley::conformance {

using core::Errc;
using Json = nlohmann::json;  // not `json`: Case has a member of that name

namespace {

core::Error malformed(std::string detail) { return core::make_error(Errc::malformed, std::move(detail)); }

// The value of `field` in a JSON object, or nullptr; never throws (nlohmann's operator[] on a
// const object would assert on a missing key).
const Json* member(const Json& object, std::string_view field) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(field);
  return it == object.end() ? nullptr : &*it;
}

// Noise files carry no ids; the protocol name says which handshake a line is about and the index
// tells repeated names apart.
std::string noise_case_id(const Json& vector, std::size_t index) {
  std::string name = "vector";
  if (const Json* p = member(vector, "protocol_name"); p != nullptr && p->is_string()) {
    name = p->get<std::string>();
  } else if (const Json* n = member(vector, "name"); n != nullptr && n->is_string()) {
    name = n->get<std::string>();
  } else {
    // noise-c's older format may give only the parts of the name.
    std::string composed = "Noise";
    bool complete = true;
    for (const char* part : {"pattern", "dh", "cipher", "hash"}) {
      const Json* v = member(vector, part);
      if (v == nullptr || !v->is_string()) {
        complete = false;
        break;
      }
      composed += '_';
      composed += v->get_ref<const std::string&>();
    }
    if (complete) name = composed;
  }
  return name + '#' + std::to_string(index);
}

std::string parley_case_id(const Json& value, std::size_t index) {
  if (const Json* id = member(value, "id"); id != nullptr && id->is_string()) return id->get<std::string>();
  // Appended rather than `"#" + ...`, which trips GCC 12's false -Wrestrict at -O3.
  std::string id = "#";
  id += std::to_string(index);
  return id;
}

}  // namespace

core::Result<const Json*> Case::find(std::string_view field) const {
  if (!object_->is_object()) return field_error(field, "the case is not a JSON object");
  const Json* value = member(*object_, field);
  if (value == nullptr || value->is_null()) return field_error(field, "missing");
  return value;
}

core::Error Case::field_error(std::string_view field, std::string_view problem) const {
  return malformed("case '" + id_ + "': field '" + std::string(field) + "': " + std::string(problem));
}

bool Case::has(std::string_view field) const {
  const Json* value = member(*object_, field);
  return value != nullptr && !value->is_null();
}

core::Result<core::Bytes> Case::bytes(std::string_view field) const {
  PARLEY_TRY(const Json* value, find(field));
  if (!value->is_string())
    return field_error(field, std::string("expected a hex string, got ") + value->type_name());
  auto decoded = core::from_hex(value->get_ref<const std::string&>());
  if (!decoded) return field_error(field, "bad hex: " + decoded.error().detail);
  return std::move(decoded).value();
}

core::Result<std::vector<core::Bytes>> Case::bytes_list(std::string_view field) const {
  PARLEY_TRY(const Json* value, find(field));
  if (!value->is_array())
    return field_error(field, std::string("expected an array of hex strings, got ") + value->type_name());
  std::vector<core::Bytes> out;
  out.reserve(value->size());
  for (const Json& item : *value) {
    if (!item.is_string()) return field_error(field, "expected an array of hex strings");
    auto decoded = core::from_hex(item.get_ref<const std::string&>());
    if (!decoded) return field_error(field, "bad hex: " + decoded.error().detail);
    out.push_back(std::move(decoded).value());
  }
  return out;
}

core::Result<std::string> Case::string(std::string_view field) const {
  PARLEY_TRY(const Json* value, find(field));
  if (!value->is_string())
    return field_error(field, std::string("expected a string, got ") + value->type_name());
  return value->get<std::string>();
}

core::Result<std::uint64_t> Case::uint(std::string_view field) const {
  PARLEY_TRY(const Json* value, find(field));
  // nlohmann stores a non-negative integer literal as unsigned; negatives and fractions are not counts.
  if (!value->is_number_unsigned())
    return field_error(field, std::string("expected a non-negative integer, got ") + value->type_name());
  return value->get<std::uint64_t>();
}

core::Result<bool> Case::boolean(std::string_view field) const {
  PARLEY_TRY(const Json* value, find(field));
  if (!value->is_boolean())
    return field_error(field, std::string("expected true or false, got ") + value->type_name());
  return value->get<bool>();
}

core::Result<std::optional<core::Bytes>> Case::optional_bytes(std::string_view field) const {
  if (!has(field)) return std::optional<core::Bytes>();
  PARLEY_TRY(auto value, bytes(field));
  return std::optional<core::Bytes>(std::move(value));
}

core::Result<std::optional<std::string>> Case::optional_string(std::string_view field) const {
  if (!has(field)) return std::optional<std::string>();
  PARLEY_TRY(auto value, string(field));
  return std::optional<std::string>(std::move(value));
}

core::Result<std::optional<core::Errc>> Case::optional_errc(std::string_view field) const {
  PARLEY_TRY(auto name, optional_string(field));
  if (!name) return std::optional<core::Errc>();
  const auto code = core::errc_from_name(*name);
  if (!code) return field_error(field, "unknown error code '" + *name + "'");
  return std::optional<core::Errc>(*code);
}

core::Result<VectorFile> VectorFile::parse(std::string_view text) {
  // nlohmann reports syntax errors (and invalid UTF-8) by exception; they stop here.
  VectorFile file;
  try {
    file.root_ = std::make_shared<Json>(Json::parse(text));
  } catch (const Json::exception& e) {
    return malformed(std::string("not JSON: ") + e.what());
  }
  const Json& root = *file.root_;
  if (!root.is_object())
    return malformed(std::string("the file is a JSON ") + root.type_name() + ", not an object");

  const Json* type = member(root, "type");
  const Json* vectors = member(root, "vectors");
  if (type == nullptr && vectors != nullptr) {
    if (!vectors->is_array()) return malformed("field 'vectors': expected an array");
    file.format_ = FileFormat::noise;
    file.type_ = std::string(kNoiseType);
    file.cases_.reserve(vectors->size());
    for (std::size_t i = 0; i < vectors->size(); ++i)
      file.cases_.emplace_back(&(*vectors)[i], noise_case_id((*vectors)[i], i));
    return file;
  }

  if (type == nullptr || type->is_null()) return malformed("field 'type': missing");
  if (!type->is_string()) return malformed("field 'type': expected a string");
  file.type_ = type->get<std::string>();

  const Json* version = member(root, "version");
  if (version == nullptr || version->is_null()) return malformed("field 'version': missing");
  if (!version->is_number_unsigned()) return malformed("field 'version': expected a non-negative integer");
  file.version_ = version->get<std::uint64_t>();

  const Json* cases = member(root, "cases");
  if (cases == nullptr || cases->is_null()) return malformed("field 'cases': missing");
  if (!cases->is_array()) return malformed("field 'cases': expected an array");
  file.cases_.reserve(cases->size());
  for (std::size_t i = 0; i < cases->size(); ++i)
    file.cases_.emplace_back(&(*cases)[i], parley_case_id((*cases)[i], i));
  return file;
}

}  // namespace parley::conformance
