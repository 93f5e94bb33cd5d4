// GET /metrics in Prometheus' text format over plain HTTP (Boost.Beast), for --metrics.
#pragma once

#include "parley/core/error.h"
#include "parley/server/router/metrics.h"
#include "parley/transport/net/asio.h"

namespace parley::server {

// Listens on `endpoint` and answers every request on the io_context's thread until it stops.
core::Result<transport::net::tcp::endpoint> serve_metrics(transport::net::asio::io_context& io,
                                                          const transport::net::tcp::endpoint& endpoint,
                                                          const Metrics& metrics);

}  // namespace parley::server
