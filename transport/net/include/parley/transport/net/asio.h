// The one place Parley includes Boost.Asio. Boost 1.74's awaitable uses std::exchange without
// including <utility>, so it comes first here and nowhere else needs to know.
#pragma once

#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace parley::transport::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

}  // namespace parley::transport::net
