#include "parley/protocol/groups/distribution_id.h"

#include "parley/core/hex.h"

namespace parley::protocol::groups {
namespace {

// Where the dashes of the text form are: after 4, 6, 8 and 10 bytes.
constexpr bool dash_after(std::size_t byte) { return byte == 4 || byte == 6 || byte == 8 || byte == 10; }
constexpr std::size_t kTextLength = 36;

}  // namespace

std::string distribution_id_text(const DistributionId& id) {
  const std::string hex = core::to_hex(id);
  std::string out;
  out.reserve(kTextLength);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (dash_after(i)) out.push_back('-');
    out.append(hex, 2 * i, 2);
  }
  return out;
}

core::Result<DistributionId> parse_distribution_id(std::string_view text) {
  if (text.size() != kTextLength)
    return core::make_error(core::Errc::malformed, "a distribution id has 36 characters");
  std::string hex;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (dash_after(i) && text[pos++] != '-')
      return core::make_error(core::Errc::malformed, "misplaced dash in a distribution id");
    hex.append(text.substr(pos, 2));
    pos += 2;
  }
  PARLEY_TRY(const auto bytes, core::from_hex(hex));
  DistributionId out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

}  // namespace parley::protocol::groups
