#include "parley/client/client.h"
#include "client_wait.h"

#include "parley/client/blob_files.h"
#include "parley/core/hex.h"
#include "parley/client/store/sqlite_device_store.h"
#include "parley/transport/net/connector.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace parley::client {

using core::Errc;

namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

Client::Client(std::unique_ptr<DeviceStore> store, std::unique_ptr<Engine> engine)
    : store_(std::move(store)), engine_(std::move(engine)) {}

Client::~Client() {
  *alive_ = false;
  if (connection_) connection_->abort(core::make_error(Errc::connection_closed, "the client is gone"));
  if (profile_lock_ >= 0) ::close(profile_lock_);  // releases the lock
}

namespace {

// One process per profile (spec §8.6): two would log the same device in twice (the server drops
// the older connection) and write the same partial downloads. An advisory lock on `profile`/lock,
// held as long as the descriptor is open and released by the kernel if the process dies.
core::Result<int> lock_profile(const std::filesystem::path& profile) {
  const auto file = profile / "lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return core::make_error(Errc::storage_failure, "cannot open " + file.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK)
      return core::make_error(Errc::conflict, "the profile " + profile.string() + " is in use by another parley process");
    return core::make_error(Errc::storage_failure, "cannot lock " + file.string() + ": " + std::strerror(error));
  }
  return fd;
}

}  // namespace

core::Result<std::unique_ptr<Client>> Client::open(const std::filesystem::path& profile,
                                                   const crypto::X25519PublicKey& server_key) {
  std::error_code ec;
  std::filesystem::create_directories(profile, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot create " + profile.string() + ": " + ec.message());
  // One device's keys live in the profile: its owner's alone (spec §9).
  std::filesystem::permissions(profile, std::filesystem::perms::owner_all, ec);
  if (ec) return core::make_error(Errc::storage_failure, "cannot make " + profile.string() + " private: " + ec.message());
  PARLEY_TRY(const int lock, lock_profile(profile));
  auto store = open_sqlite_device_store(profile / "device.sqlite3");
  if (!store.ok()) {
    ::close(lock);
    return store.error();
  }
  std::unique_ptr<Client> client(new Client(std::move(*store), nullptr));
  client->profile_lock_ = lock;
  client->profile_ = profile;
  PARLEY_TRY(auto existing, client->store_->identity());
  if (existing) {
    PARLEY_TRY(client->engine_, Engine::load(*client->store_, client->entropy_, now_ms));
  } else {
    PARLEY_TRY(client->engine_, Engine::create(*client->store_, server_key, client->entropy_, now_ms));
  }
  return client;
}

asio::awaitable<core::Result<void>> Client::connect(transport::net::tcp::endpoint server) {
  server_ = server;
  transport::channel::ClientChannelConfig config;
  config.static_key = engine_->identity().noise;
  config.server_key = engine_->identity().server_key;
  config.pin = transport::channel::PinPolicy::required;
  config.device = engine_->credentials();
  auto connected = co_await transport::net::connect(server, std::move(config));
  if (!connected.ok()) co_return connected.error();
  connection_ = std::move(connected).value();
  engine_->disconnected();
  const auto seen = connected_at_ = events_.size();
  asio::co_spawn(co_await asio::this_coro::executor, read_loop(connection_), asio::detached);
  // The first frame: a new device registers; a registered one restates its claim, which logs it in.
  auto first = engine_->registered() ? engine_->login_frame() : engine_->register_frame();
  if (!first.ok()) co_return first.error();
  if (auto sent = co_await connection_->send_when_ready(*first); !sent.ok()) co_return sent.error();
  // Logged in when the server says so: a device it refuses (a removed one) hears why first.
  std::optional<core::Error> refused;
  auto settled = co_await wait(
      [&] {
        for (auto i = seen; i < events_.size(); ++i)
          if (const auto* f = std::get_if<FailedEvent>(&events_[i]); f && f->error.code == Errc::unauthorized)
            refused = f->error;
        return engine_->logged_in() || refused.has_value();
      },
      std::chrono::seconds(10));
  if (refused) co_return *refused;
  co_return settled;
}

asio::awaitable<void> Client::read_loop(std::shared_ptr<transport::net::Connection> connection) {
  const auto alive = alive_;
  for (;;) {
    auto bytes = co_await connection->receive();
    if (!*alive) co_return;  // the Client went while this waited
    if (!bytes.ok()) break;
    auto frame = wire::decode_frame(*bytes);
    if (!frame.ok()) continue;
    auto written = co_await write(engine_->on_frame(*frame));
    if (!*alive) co_return;
    if (!written.ok()) break;
  }
  notify();
}

void Client::notify() {
  for (auto* timer : waiters_) timer->cancel();
}

asio::awaitable<core::Result<void>> Client::write(EngineOutput out) {
  for (auto& e : out.events) events_.push_back(std::move(e));
  notify();
  const auto alive = alive_;
  const auto connection = connection_;  // held here: the Client may go while a write waits
  for (const auto& f : out.frames) {
    if (!connection) co_return core::make_error(Errc::connection_closed, "not connected");
    auto sent = co_await connection->send_when_ready(f);
    if (!*alive) co_return core::make_error(Errc::connection_closed, "the client is gone");
    if (!sent.ok()) co_return sent.error();
  }
  if (engine_->needs_restart()) co_return co_await restart();
  co_return core::Result<void>{};
}

// An input the store could not commit (spec §8.6): the engine read its state again, and a new
// connection makes the server deliver again what was not acknowledged.
asio::awaitable<core::Result<void>> Client::restart() {
  const auto failure = core::make_error(Errc::storage_failure, "the device's store failed; connecting again");
  if (connection_) connection_->abort(failure);
  engine_->disconnected();
  if (!engine_->registered() || !server_) co_return failure;
  co_return co_await connect(*server_);
}


asio::awaitable<core::Result<std::uint64_t>> Client::send_text(std::uint64_t peer_account, std::string text) {
  auto started = engine_->send_text(peer_account, std::move(text));
  if (!started.ok()) co_return started.error();
  const auto id = started->first;
  auto written = co_await write(std::move(started->second));
  if (!written.ok()) co_return written.error();
  co_return co_await wait_sent(id);
}

asio::awaitable<core::Result<std::uint64_t>> Client::wait_sent(std::uint64_t id) {
  std::optional<core::Error> failure;
  bool sent = false;
  auto settled = co_await wait(
      [&] {
        for (const auto& e : events_) {
          if (const auto* s = std::get_if<SentEvent>(&e); s && s->message_id == id) sent = true;
          if (const auto* f = std::get_if<FailedEvent>(&e); f && f->message_id == id) failure = f->error;
        }
        return sent || failure.has_value();
      },
      std::chrono::seconds(30));
  if (!settled.ok()) co_return settled.error();
  if (failure) co_return *failure;
  co_return id;
}

asio::awaitable<core::Result<std::vector<StoredMessage>>> Client::wait_for_messages(std::uint64_t chat, std::size_t count,
                                                                                    std::chrono::milliseconds timeout) {
  std::vector<StoredMessage> found;
  std::optional<core::Error> failure;
  auto settled = co_await wait(
      [&] {
        auto messages = store_->messages(chat);
        if (!messages.ok()) {
          failure = messages.error();
          return true;
        }
        found = std::move(*messages);
        return found.size() >= count;
      },
      timeout);
  if (!settled.ok()) co_return settled.error();
  if (failure) co_return *failure;
  co_return found;
}

asio::awaitable<core::Result<std::string>> Client::start_link(transport::net::tcp::endpoint server) {
  if (engine_->registered()) co_return core::make_error(Errc::conflict, "this profile already belongs to an account");
  core::Bytes ref(16);
  if (auto filled = entropy_.fill(ref); !filled.ok()) co_return filled.error();
  auto qr = engine_->start_link(std::move(ref));
  if (!qr.ok()) co_return qr.error();
  transport::channel::ClientChannelConfig config;
  config.static_key = engine_->identity().noise;
  config.server_key = engine_->identity().server_key;
  config.pin = transport::channel::PinPolicy::required;
  auto connected = co_await transport::net::connect(server, std::move(config));
  if (!connected.ok()) co_return connected.error();
  server_ = server;
  connection_ = std::move(connected).value();
  asio::co_spawn(co_await asio::this_coro::executor, read_loop(connection_), asio::detached);
  co_return std::move(qr).value();
}

asio::awaitable<core::Result<void>> Client::wait_linked(std::chrono::milliseconds timeout, std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!engine_->registered()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return core::make_error(Errc::timed_out, "not linked in time");
    auto frame = engine_->login_by_key_frame();
    if (!frame.ok()) co_return frame.error();
    if (!connection_) co_return core::make_error(Errc::connection_closed, "not connected");
    auto sent = co_await connection_->send_when_ready(*frame);
    if (!sent.ok()) co_return sent.error();
    auto waited = co_await wait([this] { return engine_->registered(); }, poll);
    if (!waited.ok() && waited.code() != Errc::timed_out) co_return waited.error();
  }
  co_return core::Result<void>{};
}

namespace {

std::size_t links_in(const std::vector<Event>& events) {
  return static_cast<std::size_t>(
      std::count_if(events.begin(), events.end(), [](const Event& e) { return std::holds_alternative<LinkedEvent>(e); }));
}

}  // namespace

asio::awaitable<core::Result<void>> Client::link(std::string qr_text) {
  links_before_ = links_in(events_);
  auto started = engine_->link(qr_text);
  if (!started.ok()) co_return started.error();
  co_return co_await write(std::move(*started));
}

asio::awaitable<core::Result<void>> Client::wait_for_link(std::chrono::milliseconds timeout) {
  std::optional<core::Error> failure;
  auto settled = co_await wait(
      [&] {
        for (const auto& e : events_)
          if (const auto* f = std::get_if<FailedEvent>(&e); f && f->message_id == 0) failure = f->error;
        return links_in(events_) > links_before_ || failure.has_value();
      },
      timeout);
  if (!settled.ok()) co_return settled.error();
  if (failure) co_return *failure;
  co_return core::Result<void>{};
}

asio::awaitable<core::Result<void>> Client::remove_device(std::uint32_t device) {
  auto removal = engine_->remove_device(device);
  if (!removal.ok()) co_return removal.error();
  co_return co_await write(std::move(*removal));
}

asio::awaitable<void> Client::close() {
  if (connection_) co_await connection_->close();
  connection_.reset();
}

asio::awaitable<core::Result<void>> Client::wait_caught_up(std::chrono::milliseconds timeout) {
  // This connection's queueEmpty, not an earlier one's, and every message it brought read (a
  // message waits for its sender's device list first).
  co_return co_await wait(
      [&] {
        return !engine_->reading() &&
               std::any_of(events_.begin() + static_cast<std::ptrdiff_t>(connected_at_), events_.end(),
                           [](const Event& e) { return std::holds_alternative<CaughtUpEvent>(e); });
      },
      timeout);
}

asio::awaitable<core::Result<void>> Client::wait_idle(std::chrono::milliseconds timeout) {
  co_return co_await wait([&] { return engine_->idle(); }, timeout);
}

asio::awaitable<core::Result<void>> Client::wait_for_events(std::size_t seen, std::chrono::milliseconds timeout) {
  co_return co_await wait([&] { return events_.size() > seen; }, timeout);
}

asio::awaitable<core::Result<void>> Client::wait_for_status(std::uint64_t chat, std::uint32_t sender_device,
                                                            std::uint64_t message_id, protocol::receipts::Status status,
                                                            std::chrono::milliseconds timeout) {
  std::optional<core::Error> failure;
  auto settled = co_await wait(
      [&] {
        auto now = engine_->status(chat, sender_device, message_id);
        if (!now.ok()) failure = now.error();
        return failure.has_value() || *now >= status;
      },
      timeout);
  if (!settled.ok()) co_return settled.error();
  if (failure) co_return *failure;
  co_return core::Result<void>{};
}

asio::awaitable<core::Result<void>> Client::mark_read(std::uint64_t chat) {
  auto receipts = engine_->mark_read(chat);
  if (!receipts.ok()) co_return receipts.error();
  co_return co_await write(std::move(*receipts));
}

asio::awaitable<core::Result<StoredDeviceList>> Client::device_list(std::uint64_t account) {
  const auto seen = events_.size();
  engine_->device_list_changed(account);
  auto written = co_await write(engine_->fetch_device_list(account));
  if (!written.ok()) co_return written.error();
  auto settled = co_await wait([&] { return !engine_->list_pending(account); }, std::chrono::seconds(10));
  if (!settled.ok()) co_return settled.error();
  auto stored = store_->device_list(account);
  if (!stored.ok()) co_return stored.error();
  if (!stored->has_value()) {
    // The refusal or the failed check, as the engine reported it.
    for (auto i = seen; i < events_.size(); ++i)
      if (const auto* f = std::get_if<FailedEvent>(&events_[i])) co_return f->error;
    co_return core::make_error(Errc::not_found, "no device list for account " + std::to_string(account));
  }
  co_return std::move(**stored);
}

asio::awaitable<core::Result<void>> Client::run_transfer(const core::Bytes& hash, core::Result<EngineOutput> started,
                                                         std::chrono::milliseconds timeout,
                                                         const std::function<void(const BlobEvent&)>& progress) {
  if (!started.ok()) co_return started.error();
  // From the first event no earlier call saw: the transfer may have moved, or ended, while nobody
  // waited (resumed by a login).
  auto seen = transfer_from_.count(hash) ? transfer_from_[hash] : events_.size();
  auto written = co_await write(std::move(*started));
  if (!written.ok()) co_return written.error();
  std::optional<core::Result<void>> ended;
  auto settled = co_await wait(
      [&] {
        for (; seen < events_.size() && !ended; ++seen) {
          const auto* e = std::get_if<BlobEvent>(&events_[seen]);
          if (e == nullptr || e->hash != hash) continue;
          if (progress) progress(*e);
          if (e->error) ended = *e->error;
          else if (e->complete) ended = core::Result<void>{};
        }
        return ended.has_value();
      },
      timeout);
  transfer_from_[hash] = seen;  // a call after this one (once connected again) goes on from here
  if (!settled.ok()) co_return settled.error();
  co_return *ended;
}

asio::awaitable<core::Result<void>> Client::upload_blob(core::Bytes hash, std::filesystem::path file,
                                                        std::chrono::milliseconds timeout,
                                                        std::function<void(const BlobEvent&)> progress) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) co_return core::make_error(Errc::storage_failure, "cannot read " + file.string() + ": " + ec.message());
  auto source = open_blob_source(file);
  if (!source.ok()) co_return source.error();
  co_return co_await upload_blob(std::move(hash), size, std::move(*source), timeout, std::move(progress));
}

asio::awaitable<core::Result<void>> Client::upload_blob(core::Bytes hash, std::uint64_t size,
                                                        std::shared_ptr<BlobSource> source,
                                                        std::chrono::milliseconds timeout,
                                                        std::function<void(const BlobEvent&)> progress) {
  if (!engine_->transferring(hash)) transfer_from_[hash] = events_.size();
  co_return co_await run_transfer(hash, engine_->upload_blob(hash, size, std::move(source)), timeout, progress);
}

asio::awaitable<core::Result<void>> Client::download_blob(core::Bytes hash, std::uint64_t size, std::filesystem::path part_file,
                                                          std::chrono::milliseconds timeout,
                                                          std::function<void(const BlobEvent&)> progress) {
  auto sink = open_blob_sink(part_file);
  if (!sink.ok()) co_return sink.error();
  if (!engine_->transferring(hash)) transfer_from_[hash] = events_.size();
  co_return co_await run_transfer(hash, engine_->download_blob(hash, size, std::move(*sink)), timeout, progress);
}

asio::awaitable<core::Result<void>> Client::blob_fetched(core::Bytes hash) {
  auto said = engine_->blob_fetched(std::move(hash));
  if (!said.ok()) co_return said.error();
  co_return co_await write(std::move(*said));
}

}  // namespace parley::client
