// A TCP endpoint as people write it, "HOST:PORT" (the server's --listen and --metrics, a client's
// --server).
#pragma once

#include <cstdint>
#include <string>

#include "parley/core/error.h"

namespace parley::transport::net {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7600;
};

// `malformed` for text that is not HOST:PORT with a port up to 65535.
core::Result<Endpoint> parse_endpoint(const std::string& text);

}  // namespace parley::transport::net
