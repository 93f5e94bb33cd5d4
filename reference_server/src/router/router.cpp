// spec §7.2-7.4: one dispatch of every frame kind, the group commit, and delivery.
#include "parley/server/router/router.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include "../handler/replies.h"

namespace parley::server {

using Steady = std::chrono::steady_clock;

namespace {

double ms_since(Steady::time_point now, Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(now - start).count();
}

// Frames only the server sends: a client that sends one is confused or hostile.
template <typename T>
constexpr bool kServerFrame =
    std::is_same_v<T, wire::LoggedIn> || std::is_same_v<T, wire::PreKeyBundles> ||
    std::is_same_v<T, wire::DeviceListReply> || std::is_same_v<T, wire::SendAck> || std::is_same_v<T, wire::Deliver> ||
    std::is_same_v<T, wire::BlobData> || std::is_same_v<T, wire::BlobState> || std::is_same_v<T, wire::QueueEmpty> || std::is_same_v<T, wire::ErrorFrame> ||
    std::is_same_v<T, wire::Ok> || std::is_same_v<T, wire::DeviceLinked> || std::is_same_v<T, wire::GroupLog>;

}  // namespace

Router::Router(Store& store, RouterSettings settings, Metrics& metrics, SteadyClock clock, Warn warn)
    : store_(store),
      handler_(store),
      settings_(settings),
      metrics_(metrics),
      clock_(std::move(clock)),
      warn_(warn ? std::move(warn) : [](std::string_view) {}),
      destinations_(settings.sends_per_second_per_destination, 2 * settings.sends_per_second_per_destination),
      fetched_accounts_(settings.prekey_fetches_per_second_per_account, 2 * settings.prekey_fetches_per_second_per_account),
      registering_addresses_(settings.registrations_per_second_per_address, 2 * settings.registrations_per_second_per_address) {}

std::vector<Outbound> Router::process(std::vector<ConnectionEvent>& events) {
  Batch batch;
  for (auto& event : events) {
    switch (event.kind) {
      case ConnectionEvent::Kind::opened: opened(event, batch); break;
      case ConnectionEvent::Kind::frame: on_frame(event, batch); break;
      case ConnectionEvent::Kind::closed: drop(event.connection); break;
    }
  }
  if (!batch.acks.empty()) {
    auto deleted = store_.acknowledge(batch.acks);
    if (deleted.ok()) {
      metrics_.messages_acknowledged += *deleted;
    } else {
      ++metrics_.storage_failures;
      warn_("acknowledge: " + core::to_string(deleted.error()));
    }
  }
  if (!batch.sends.empty()) commit(batch);
  auto& to_pump = batch.to_pump;
  std::sort(to_pump.begin(), to_pump.end());
  to_pump.erase(std::unique(to_pump.begin(), to_pump.end()), to_pump.end());
  for (const auto id : std::vector<ConnectionId>(to_pump)) pump(id, batch);
  return std::move(batch.out);
}

void Router::opened(ConnectionEvent& event, Batch& batch) {
  Connection connection{ConnectionState{},
                        TokenBucket(settings_.sends_per_second_per_device, 2 * settings_.sends_per_second_per_device),
                        TokenBucket(settings_.prekey_fetches_per_second_per_device, 2 * settings_.prekey_fetches_per_second_per_device),
                        std::move(event.address), false, std::move(event.logged_in)};
  connection.state.noise_static_key = std::move(event.noise_static_key);
  connection.state.claim = event.claim;
  // IK's first message can be replayed by anyone who recorded it, with the claim in it: the device
  // is logged in (and an older connection of it closed) only once a transport frame proves that
  // the client holds the handshake's ephemeral key (spec §7.2).
  connection.login_deferred = event.replayable && event.claim.registered();
  auto& stored = connections_.insert_or_assign(event.connection, std::move(connection)).first->second;
  if (!stored.login_deferred) apply(event.connection, handler_.on_established(stored.state), batch);
}

void Router::on_frame(ConnectionEvent& event, Batch& batch) {
  const ConnectionId id = event.connection;
  auto it = connections_.find(id);
  if (it == connections_.end() || !event.frame) return;  // closed meanwhile
  auto& connection = it->second;
  auto& state = connection.state;
  ++metrics_.frames_received;
  if (connection.login_deferred) {
    connection.login_deferred = false;
    apply(id, handler_.on_established(state), batch);
    if (!connections_.contains(id)) return;  // the claim was refused: the connection is closed
  }
  const std::uint32_t request = event.frame->request_id;
  if (auto refused = limited(connection, request, event.frame->body)) return apply(id, std::move(*refused), batch);
  // The one dispatch of every frame kind.
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, wire::Register> || std::is_same_v<T, wire::Login>) {
          apply(id, handler_.on(state, request, body), batch);
        } else if constexpr (kServerFrame<T>) {
          if (!state.device) return apply(id, replies::refuse(request, replies::not_logged_in()), batch);
          apply(id, replies::refuse(request, core::make_error(core::Errc::malformed, "a server frame sent by a client"), true),
                batch);
        } else if constexpr (std::is_same_v<T, wire::Send> || std::is_same_v<T, wire::GroupSend>) {
          on_send(id, connection, request, body, event.received, batch);
        } else if constexpr (std::is_same_v<T, wire::Ack>) {
          auto prepared = handler_.prepare_ack(state, request, body);
          if (auto* refused = std::get_if<HandlerOutput>(&prepared)) return apply(id, std::move(*refused), batch);
          batch.acks.push_back(std::get<MessageAck>(prepared));
          batch.to_pump.push_back(id);
        } else {
          if (!state.device) return apply(id, replies::refuse(request, replies::not_logged_in()), batch);
          apply(id, handler_.on(state, request, body), batch);
        }
      },
      event.frame->body);
}

template <typename SendFrame>
void Router::on_send(ConnectionId id, Connection& connection, std::uint32_t request_id, const SendFrame& send,
                     Steady::time_point received, Batch& batch) {
  std::uint64_t retry_after_ms = 0;
  if (!connection.sends.take(clock_(), retry_after_ms)) {
    ++metrics_.sends_rate_limited;
    return apply(id, rate_limited(request_id, "device", retry_after_ms), batch);
  }
  auto prepared = [&] {
    if constexpr (std::is_same_v<SendFrame, wire::GroupSend>) return handler_.prepare_group_send(connection.state, request_id, send);
    else return handler_.prepare_send(connection.state, request_id, send);
  }();
  if (auto* refused = std::get_if<HandlerOutput>(&prepared)) {
    ++metrics_.sends_rejected;
    return apply(id, std::move(*refused), batch);
  }
  auto& ready = std::get<PreparedSend>(prepared);
  // A bucket only for an account that exists (a send to any other fails at its commit anyway), so
  // that made-up destinations cost the server no memory. A group send is limited by its device's
  // bucket alone: its destinations are the group's members, each written to once per message.
  if (!ready.send.group && store_.device(ready.send.destination, kPrimaryDeviceId).ok() &&
      !destinations_.take(ready.send.destination, clock_(), retry_after_ms)) {
    ++metrics_.sends_rate_limited;
    return apply(id, rate_limited(request_id, "destination", retry_after_ms), batch);
  }
  batch.sends.push_back({id, std::move(ready), received});
}

std::optional<HandlerOutput> Router::limited(Connection& connection, std::uint32_t request_id, const wire::FrameBody& body) {
  std::uint64_t retry_after_ms = 0;
  if (const auto* fetch = std::get_if<wire::FetchPreKeys>(&body)) {
    if (!connection.state.device) return std::nullopt;  // refused as not logged in
    if (!connection.fetches.take(clock_(), retry_after_ms)) return rate_limited(request_id, "prekey fetch", retry_after_ms);
    // Only an account that exists gets a bucket (an unknown one is `notFound` anyway).
    const AccountId target{fetch->account};
    if (store_.device(target, kPrimaryDeviceId).ok() && !fetched_accounts_.take(target, clock_(), retry_after_ms))
      return rate_limited(request_id, "prekey fetches of that account", retry_after_ms);
  }
  if (std::holds_alternative<wire::Register>(body) && !connection.state.device &&
      !registering_addresses_.take(connection.address, clock_(), retry_after_ms))
    return rate_limited(request_id, "registration", retry_after_ms);
  return std::nullopt;
}

HandlerOutput Router::rate_limited(std::uint32_t request_id, const char* which, std::uint64_t retry_after_ms) {
  const wire::ErrorFrame limited{wire::ErrorCode::rate_limited,
                                 std::string(which) + " rate limit; retry after " + std::to_string(retry_after_ms) + " ms",
                                 {}, {}, {}, retry_after_ms};
  return replies::reply(request_id, limited);
}

// Group commit: one transaction (one sync) for every send of the batch; each send is still all or
// nothing on its own (spec §7.3). Only after the commit does any sender hear its sendAck.
void Router::commit(Batch& batch) {
  std::vector<Send> sends;
  sends.reserve(batch.sends.size());
  for (const auto& s : batch.sends) sends.push_back(s.prepared.send);
  const auto start = clock_();
  const auto outcomes = store_.commit_sends(sends);
  const auto now = clock_();
  metrics_.commit_latency.observe_ms(ms_since(now, start));
  ++metrics_.commit_batches;
  for (std::size_t i = 0; i < batch.sends.size(); ++i) {
    if (outcomes[i].ok()) {
      ++metrics_.sends_committed;
    } else {
      ++metrics_.sends_rejected;
      if (outcomes[i].code() == core::Errc::storage_failure) ++metrics_.storage_failures;
    }
    apply(batch.sends[i].connection, handler_.finish_send(batch.sends[i].prepared, outcomes[i]), batch);
    if (batch.sends[i].received != Steady::time_point{}) metrics_.send_latency.observe_ms(ms_since(now, batch.sends[i].received));
  }
}

void Router::apply(ConnectionId id, HandlerOutput out, Batch& batch) {
  if (out.logged_in) {
    auto& connection = connections_.at(id);
    if (connection.logged_in) *connection.logged_in = true;
    auto& device = *connection.state.device;
    const AccountDevice address{device.account, device.device};
    ++metrics_.logins;
    // One live connection per device: the newer one wins, the older one hears why it closes.
    auto [online, inserted] = online_.try_emplace(address, id);
    if (!inserted && online->second != id) {
      ++metrics_.conflicts;
      const auto conflict = core::make_error(core::Errc::conflict, "another connection of this device logged in");
      const wire::ErrorFrame said{wire::ErrorCode::conflict, conflict.detail, {}, {}, {}, 0};
      const auto old = online->second;
      online->second = id;
      batch.out.push_back({old, {replies::frame(0, said)}, conflict});
      connections_.erase(old);
    }
    batch.to_pump.push_back(id);
  }
  for (const auto& address : out.removed) {
    auto online = online_.find(address);
    if (online == online_.end()) continue;
    const auto gone = core::make_error(core::Errc::untrusted_identity, "this device was removed from its account");
    batch.out.push_back({online->second, {replies::error(0, gone)}, gone});
    connections_.erase(online->second);
    online_.erase(online);
  }
  for (auto& [address, frame] : out.pushes) {
    auto online = online_.find(address);
    if (online != online_.end()) batch.out.push_back({online->second, {std::move(frame)}, std::nullopt});
  }
  for (const auto& mailbox : out.new_mail) {
    auto online = online_.find(AccountDevice{mailbox.account, mailbox.device});
    if (online != online_.end()) batch.to_pump.push_back(online->second);
  }
  if (!out.replies.empty() || out.close) batch.out.push_back({id, std::move(out.replies), out.close});
  if (out.close) drop(id);
}

void Router::pump(ConnectionId id, Batch& batch) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  auto out = handler_.pump(it->second.state);
  metrics_.messages_delivered += out.delivered;
  apply(id, std::move(out), batch);
}

void Router::drop(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (const auto& d = it->second.state.device) {
    auto online = online_.find(AccountDevice{d->account, d->device});
    if (online != online_.end() && online->second == id) online_.erase(online);
  }
  connections_.erase(it);
}

}  // namespace parley::server
