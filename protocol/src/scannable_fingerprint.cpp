// spec §8.7, the scannable form. The protobuf is written and read by hand: its layout is fixed, and
// transport's protobuf codec sits a layer above protocol.
#include "parley/protocol/scannable_fingerprint.h"

#include <algorithm>
#include <optional>

#include "parley/core/secret_bytes.h"

namespace parley::protocol {

namespace {

using core::Errc;

// Protobuf keys (field << 3 | wire type) and lengths of the fixed layout.
constexpr std::uint8_t kVersionKey = 0x08;       // field 1, varint
constexpr std::uint8_t kLocalKey = 0x12;         // field 2, length-delimited
constexpr std::uint8_t kRemoteKey = 0x1a;        // field 3, length-delimited
constexpr std::uint8_t kContentKey = 0x0a;       // LogicalFingerprint field 1, length-delimited
constexpr std::uint8_t kLogicalLength = 2 + kScannableContentSize;  // 0a 20 <32>
constexpr std::size_t kMaxVarintBytes = 5;       // a uint32

void write_varint(core::Bytes& out, std::uint32_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

// A minimal uint32 varint at the start of `in`; advances `in` past it. nullopt for a truncated,
// overlong (> 5 bytes or > 32 bits) or non-minimal (a trailing zero group) encoding: one value,
// one encoding, so parsing and re-encoding give back the scanned bytes.
std::optional<std::uint32_t> read_varint(core::BytesView& in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < in.size() && i < kMaxVarintBytes; ++i) {
    const std::uint8_t byte = in[i];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) != 0) continue;
    if (i > 0 && byte == 0) return std::nullopt;
    if (value > UINT32_MAX) return std::nullopt;
    in = in.subspan(i + 1);
    return static_cast<std::uint32_t>(value);
  }
  return std::nullopt;
}

void write_logical(core::Bytes& out, std::uint8_t key, const ScannableContent& content) {
  out.insert(out.end(), {key, kLogicalLength, kContentKey, static_cast<std::uint8_t>(kScannableContentSize)});
  core::append(out, content);
}

// One LogicalFingerprint field at the start of `in`, exactly as write_logical writes it.
std::optional<ScannableContent> read_logical(core::BytesView& in, std::uint8_t key) {
  constexpr std::size_t kField = 2 + kLogicalLength;
  if (in.size() < kField || in[0] != key || in[1] != kLogicalLength || in[2] != kContentKey ||
      in[3] != kScannableContentSize)
    return std::nullopt;
  ScannableContent content;
  std::copy_n(in.begin() + 4, content.size(), content.begin());
  in = in.subspan(kField);
  return content;
}

ScannableContent content_of(const FingerprintSide& side, std::uint32_t iterations) {
  const auto h = fingerprint_hash(side, iterations);
  ScannableContent content;
  std::copy_n(h.begin(), content.size(), content.begin());
  return content;
}

core::Error malformed(const char* what) {
  return core::make_error(Errc::malformed, std::string("scanned fingerprint: ") + what);
}

}  // namespace

core::Bytes encode_scannable(const ScannedFingerprint& f) {
  core::Bytes out{kVersionKey};
  out.reserve(kScannableFingerprintSize + kMaxVarintBytes);
  write_varint(out, f.version);
  write_logical(out, kLocalKey, f.local);
  write_logical(out, kRemoteKey, f.remote);
  return out;
}

core::Bytes scannable_fingerprint(const FingerprintSide& local, const FingerprintSide& remote,
                                  std::uint32_t iterations, std::uint32_t version) {
  return encode_scannable({version, content_of(local, iterations), content_of(remote, iterations)});
}

core::Result<ScannedFingerprint> parse_scannable(core::BytesView in, std::uint32_t version) {
  if (in.empty() || in[0] != kVersionKey) return malformed("does not start with its version");
  in = in.subspan(1);
  const auto scanned_version = read_varint(in);
  if (!scanned_version) return malformed("bad version varint");
  if (*scanned_version != version)
    return core::make_error(Errc::unsupported_version, "scanned fingerprint version " + std::to_string(*scanned_version) +
                                                           ", this build reads " + std::to_string(version));
  ScannedFingerprint out;
  out.version = *scanned_version;
  const auto local = read_logical(in, kLocalKey);
  if (!local) return malformed("bad or missing local fingerprint");
  const auto remote = read_logical(in, kRemoteKey);
  if (!remote) return malformed("bad or missing remote fingerprint");
  if (!in.empty()) return malformed("trailing bytes");
  out.local = *local;
  out.remote = *remote;
  return out;
}

core::Result<bool> compare_scannable(const FingerprintSide& local, const FingerprintSide& remote,
                                     core::BytesView scanned, std::uint32_t iterations, std::uint32_t version) {
  PARLEY_TRY(const auto theirs, parse_scannable(scanned, version));
  const auto ours_local = content_of(local, iterations);
  const auto ours_remote = content_of(remote, iterations);
  // Both comparisons always run, and & does not short-circuit: the time says nothing about which
  // side differs.
  const bool same_remote = core::constant_time_equal(theirs.local, ours_remote);
  const bool same_local = core::constant_time_equal(theirs.remote, ours_local);
  return same_remote & same_local;
}

}  // namespace parley::protocol
