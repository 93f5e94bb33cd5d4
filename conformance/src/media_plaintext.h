// The plaintexts of `whatsapp-media` cases (spec/test-vectors.md §3.22): given in hex when short,
// else made by the `sha256-ctr` generator the external file defines, so a 2 MiB case is one line.
#pragma once

#include <cstdint>
#include <string_view>

#include "parley/conformance/vector_file.h"
#include "parley/core/bytes.h"
#include "parley/core/error.h"

namespace parley::conformance::detail {

inline constexpr std::string_view kSha256CtrGenerator = "sha256-ctr";
inline constexpr std::uint64_t kMaxGeneratedPlaintext = 64ull << 20;  // a vector, not a soak test

// SHA-256(seed || uint32 big-endian k) for k = 0, 1, ... concatenated and cut to `length`.
core::Bytes sha256_ctr(std::string_view seed, std::uint64_t length);

// A case's "plaintext" object: {length, hex} or {length, generator, seed}; the length must agree.
core::Result<core::Bytes> read_media_plaintext(const Case& plaintext);

}  // namespace parley::conformance::detail
