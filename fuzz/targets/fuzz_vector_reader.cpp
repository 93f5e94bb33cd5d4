// fuzz_vector_reader: conformance::VectorFile::parse on arbitrary bytes. Vector files come from
// other implementations, so the reader is an input edge: it must turn anything, including invalid
// UTF-8, deep nesting and huge numbers, into a file or a typed Error, never a crash or an exception.
//
// For each case of a file that parses, every field goes through every checked accessor (bytes,
// string, uint, boolean and the optional_ ones) and the results must agree with the JSON value
// where both make sense: a field read as bytes re-encodes to its hex text, a uint or boolean reads
// back its JSON value, an optional accessor agrees with its plain one. Every error is `malformed`
// (the header's promise). A field that is not there is an error for every plain accessor and
// nullopt for every optional one.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "check.h"
#include "parley/conformance/vector_file.h"
#include "parley/core/error.h"
#include "parley/core/hex.h"

namespace {

using parley::conformance::Case;
using parley::conformance::VectorFile;

template <typename T>
void check_error_is_typed(const parley::core::Result<T>& r) {
  if (r.ok()) return;
  PARLEY_FUZZ_CHECK(r.code() == parley::core::Errc::malformed);
  (void)parley::core::to_string(r.error());  // the detail is built from the input: touch all of it
}

std::string lowercase(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

void check_field(const Case& c, const std::string& field, const nlohmann::json& value) {
  PARLEY_FUZZ_CHECK(c.has(field) == !value.is_null());

  const auto bytes = c.bytes(field);
  check_error_is_typed(bytes);
  if (bytes.ok() && value.is_string()) {
    PARLEY_FUZZ_CHECK(parley::core::to_hex(*bytes) == lowercase(value.get<std::string>()));
  }

  const auto text = c.string(field);
  check_error_is_typed(text);
  if (text.ok() && value.is_string()) PARLEY_FUZZ_CHECK(*text == value.get<std::string>());

  const auto number = c.uint(field);
  check_error_is_typed(number);
  if (number.ok() && value.is_number_unsigned()) PARLEY_FUZZ_CHECK(*number == value.get<std::uint64_t>());

  const auto flag = c.boolean(field);
  check_error_is_typed(flag);
  if (flag.ok() && value.is_boolean()) PARLEY_FUZZ_CHECK(*flag == value.get<bool>());

  const auto maybe_bytes = c.optional_bytes(field);
  check_error_is_typed(maybe_bytes);
  PARLEY_FUZZ_CHECK(maybe_bytes.ok() == (value.is_null() || bytes.ok()));
  if (maybe_bytes.ok()) PARLEY_FUZZ_CHECK(maybe_bytes->has_value() == bytes.ok());
  if (maybe_bytes.ok() && bytes.ok()) PARLEY_FUZZ_CHECK(**maybe_bytes == *bytes);

  const auto maybe_text = c.optional_string(field);
  check_error_is_typed(maybe_text);
  PARLEY_FUZZ_CHECK(maybe_text.ok() == (value.is_null() || text.ok()));
  if (maybe_text.ok() && text.ok()) PARLEY_FUZZ_CHECK(maybe_text->has_value() && **maybe_text == *text);

  const auto maybe_code = c.optional_errc(field);
  check_error_is_typed(maybe_code);
  if (maybe_code.ok() && maybe_code->has_value()) {
    PARLEY_FUZZ_CHECK(text.ok() && parley::core::errc_name(**maybe_code) == *text);
  }

  check_error_is_typed(parley::core::Result<void>(c.field_error(field, "fuzz")));
}

void check_missing_field(const Case& c) {
  // A name no vector uses; JSON keys may hold any bytes, so it could still be present.
  static const std::string kMissing("\x01parley-fuzz-missing", 20);
  if (c.json().is_object() && c.json().contains(kMissing)) return;
  PARLEY_FUZZ_CHECK(!c.has(kMissing));
  PARLEY_FUZZ_CHECK(!c.bytes(kMissing).ok());
  PARLEY_FUZZ_CHECK(!c.string(kMissing).ok());
  PARLEY_FUZZ_CHECK(!c.uint(kMissing).ok());
  PARLEY_FUZZ_CHECK(!c.boolean(kMissing).ok());
  const auto maybe_bytes = c.optional_bytes(kMissing);
  PARLEY_FUZZ_CHECK(maybe_bytes.ok() && !maybe_bytes->has_value());
  const auto maybe_text = c.optional_string(kMissing);
  PARLEY_FUZZ_CHECK(maybe_text.ok() && !maybe_text->has_value());
  const auto maybe_code = c.optional_errc(kMissing);
  PARLEY_FUZZ_CHECK(maybe_code.ok() && !maybe_code->has_value());
}

void check_case(const Case& c) {
  (void)c.id().size();
  check_missing_field(c);
  if (!c.json().is_object()) return;
  for (const auto& [field, value] : c.json().items()) check_field(c, field, value);
}

void run(std::string_view text) {
  auto parsed = VectorFile::parse(text);
  check_error_is_typed(parsed);
  if (!parsed.ok()) return;

  // Cases point into the parsed JSON; moving the file and dropping a copy must leave them valid.
  VectorFile file = std::move(parsed).value();
  {
    const VectorFile copy = file;
    (void)copy.cases().size();
  }
  (void)file.format();
  (void)file.type().size();
  (void)file.version();
  (void)file.root().size();
  for (const Case& c : file.cases()) check_case(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    run(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception& e) {
    // An exception leaving the reader is a bug even if a caller would catch it: the header promises
    // Errors only. Abort so that libFuzzer saves the input.
    std::fprintf(stderr, "exception escaped the vector reader: %s\n", e.what());
    std::abort();
  }
  return 0;
}
