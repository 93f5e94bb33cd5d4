#include "parley/transport/net/endpoint.h"

#include <stdexcept>

namespace parley::transport::net {

core::Result<Endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return core::make_error(core::Errc::malformed, "expected HOST:PORT, got '" + text + "'");
  Endpoint e;
  e.host = text.substr(0, colon);
  try {
    const auto port = std::stoul(text.substr(colon + 1));
    if (port > 65535) throw std::out_of_range("port");
    e.port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return core::make_error(core::Errc::malformed, "bad port in '" + text + "'");
  }
  return e;
}

}  // namespace parley::transport::net
