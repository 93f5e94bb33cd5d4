// parley-server: the reference server (spec §7). Prints `listening on HOST:PORT` as its first line
// once it accepts connections; SIGTERM or SIGINT stops it gracefully.
#include "parley/transport/net/asio.h"  // first: Boost 1.74 needs <utility> before Asio

#include <spdlog/sinks/stdout_color_sinks.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "../src/runtime/metrics_http.h"
#include "parley/server/runtime/server.h"
#include "parley/transport/net/open_files.h"

namespace {

using namespace parley;
namespace asio = transport::net::asio;

// The storage thread allocates what the network thread frees (frames, fetched messages), tens of
// thousands of times a second. glibc's defaults give an arena's top back to the kernel whenever
// 128 KiB of it is free, and the next burst faults the pages in again, with a TLB shootdown across
// both threads each time: a third of the storage thread's time under load. Keeping up to 64 MiB
// free per arena took parley-load from 15,500 to 26,900 durable msgs/s (measured when the server's load benchmark was written).
void tune_allocator() {
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);  // fixed: read buffers and frames stay on the heap
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = server::parse_server_settings(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "parley-server: " << parsed.error().detail << "\nRun with --help for the options.\n";
    return 2;
  }
  if (!*parsed) return 0;  // --help
  auto settings = std::move(**parsed);

  tune_allocator();
  auto log = spdlog::stderr_color_mt("parley-server");
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::from_str(settings.log_level));
  // Idle devices are file descriptors: room for every connection allowed, and the store's files.
  const std::size_t want = settings.max_connections + 64;
  if (const auto got = transport::net::raise_open_file_limit(want); got < want)
    spdlog::warn("open-file limit {} is below max_connections {}: connections past it are refused", got,
                 settings.max_connections);

  asio::io_context io;
  server::Metrics metrics;
  auto server = server::Server::start(io, settings, metrics);
  if (!server.ok()) {
    spdlog::error("cannot start: {}", core::to_string(server.error()));
    return 1;
  }
  if (settings.metrics) {
    boost::system::error_code bad_address;
    auto address = asio::ip::make_address(settings.metrics->host, bad_address);
    if (bad_address) {
      spdlog::error("bad metrics address {}", settings.metrics->host);
      return 2;
    }
    auto bound = server::serve_metrics(io, {address, settings.metrics->port}, metrics);
    if (!bound.ok()) {
      spdlog::error("{}", core::to_string(bound.error()));
      return 1;
    }
    spdlog::info("metrics on http://{}:{}/metrics", bound->address().to_string(), bound->port());
  }
  const auto endpoint = (*server)->local_endpoint();
  std::cout << "listening on " << endpoint.address().to_string() << ":" << endpoint.port() << std::endl;
  spdlog::info("data in {}", settings.data_dir.string());

  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    asio::co_spawn(io, (*server)->stop(), [&](std::exception_ptr) { io.stop(); });
  });
  io.run();
  spdlog::info("stopped");
  return 0;
}
