#include "worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "../handler/replies.h"

namespace parley::server {

using Steady = std::chrono::steady_clock;
using Which = wire::Frame::Body::Which;

namespace {

double ms_since(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

HandlerOutput rate_limited(std::uint32_t request_id, const char* which, std::uint64_t retry_after_ms) {
  HandlerOutput out;
  out.replies.push_back(replies::error(request_id, wire::ErrorCode::RATE_LIMITED,
                                       std::string(which) + " rate limit; retry after " +
                                           std::to_string(retry_after_ms) + " ms",
                                       nullptr, retry_after_ms));
  return out;
}

}  // namespace

Worker::Worker(Store store, const ServerSettings& settings, Metrics& metrics, Output output)
    : store_(std::move(store)),
      handler_(store_),
      settings_(settings),
      metrics_(metrics),
      output_(std::move(output)),
      next_expiry_(Steady::now() + settings.expiry_interval) {
  thread_ = std::thread([this] { run(); });
}

Worker::~Worker() { stop(); }

void Worker::post(WorkerJob job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

std::size_t Worker::backlog() {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void Worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Worker::run() {
  std::vector<WorkerJob> jobs;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_expiry_, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty() && stopping_) return;
      // Everything that arrived while the last batch committed is the next batch: under load the
      // batches grow by themselves, and an idle server commits each send at once.
      const std::size_t take = std::min(jobs_.size(), settings_.max_batch);
      jobs.assign(std::make_move_iterator(jobs_.begin()), std::make_move_iterator(jobs_.begin() + static_cast<std::ptrdiff_t>(take)));
      jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    process(jobs);
    jobs.clear();
    expire_if_due();
  }
}

void Worker::process(std::vector<WorkerJob>& jobs) {
  std::vector<BatchedSend> sends;
  std::vector<MessageAck> acks;
  std::vector<SessionId> to_pump;
  for (auto& job : jobs) {
    switch (job.kind) {
      case WorkerJob::Kind::opened: {
        Session session{SessionState{}, TokenBucket(settings_.sends_per_second_per_device,
                                                    2 * settings_.sends_per_second_per_device)};
        session.state.noise_static_key = std::move(job.noise_static_key);
        session.state.claim = job.claim;
        auto& stored = sessions_.emplace(job.session, std::move(session)).first->second;
        apply(job.session, handler_.on_established(stored.state), to_pump);
        break;
      }
      case WorkerJob::Kind::frame:
        on_frame(job, sends, acks, to_pump);
        break;
      case WorkerJob::Kind::closed: {
        auto it = sessions_.find(job.session);
        if (it == sessions_.end()) break;
        if (const auto& d = it->second.state.device) {
          auto online = online_.find(DeviceAddress{d->account, d->device});
          if (online != online_.end() && online->second == job.session) online_.erase(online);
        }
        sessions_.erase(it);
        break;
      }
    }
  }
  if (!acks.empty()) {
    auto deleted = store_.acknowledge(acks);
    if (deleted.ok()) {
      metrics_.messages_acknowledged += *deleted;
    } else {
      ++metrics_.storage_failures;
      spdlog::warn("acknowledge: {}", core::to_string(deleted.error()));
    }
  }
  if (!sends.empty()) commit(sends, to_pump);
  std::sort(to_pump.begin(), to_pump.end());
  to_pump.erase(std::unique(to_pump.begin(), to_pump.end()), to_pump.end());
  for (const auto id : to_pump) pump(id);
}

void Worker::on_frame(WorkerJob& job, std::vector<BatchedSend>& sends, std::vector<MessageAck>& acks,
                      std::vector<SessionId>& to_pump) {
  auto it = sessions_.find(job.session);
  if (it == sessions_.end()) return;  // closed meanwhile
  auto& session = it->second;
  ++metrics_.frames_received;
  const auto& frame = *job.frame;
  switch (static_cast<Which>(frame.kind())) {
    case Which::SEND: {
      std::uint64_t retry_after_ms = 0;
      if (!session.sends.take(Steady::now(), retry_after_ms)) {
        ++metrics_.sends_rate_limited;
        apply(job.session, rate_limited(frame.request_id(), "device", retry_after_ms), to_pump);
        return;
      }
      auto prepared = handler_.prepare_send(session.state, frame);
      if (auto* refused = std::get_if<HandlerOutput>(&prepared)) {
        ++metrics_.sends_rejected;
        apply(job.session, std::move(*refused), to_pump);
        return;
      }
      auto& pending = std::get<PendingSend>(prepared);
      auto bucket = destinations_.try_emplace(pending.send.destination, settings_.sends_per_second_per_destination,
                                              2 * settings_.sends_per_second_per_destination);
      if (!bucket.first->second.take(Steady::now(), retry_after_ms)) {
        ++metrics_.sends_rate_limited;
        apply(job.session, rate_limited(frame.request_id(), "destination", retry_after_ms), to_pump);
        return;
      }
      sends.push_back({job.session, std::move(pending), job.received});
      return;
    }
    case Which::ACK: {
      auto prepared = handler_.prepare_ack(session.state, frame);
      if (auto* refused = std::get_if<HandlerOutput>(&prepared)) {
        apply(job.session, std::move(*refused), to_pump);
        return;
      }
      acks.push_back(std::get<MessageAck>(prepared));
      to_pump.push_back(job.session);
      return;
    }
    default:
      apply(job.session, handler_.handle(session.state, frame), to_pump);
  }
}

// Group commit: one transaction (one sync) for every send of the batch; each send is still all or
// nothing on its own (spec §7.3). Only after the commit does any sender hear its sendAck.
void Worker::commit(std::vector<BatchedSend>& sends, std::vector<SessionId>& to_pump) {
  std::vector<Send> batch;
  batch.reserve(sends.size());
  for (const auto& s : sends) batch.push_back(s.pending.send);
  const auto start = Steady::now();
  const auto outcomes = store_.commit_sends(batch);
  metrics_.commit_latency.observe_ms(ms_since(start));
  ++metrics_.commit_batches;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    if (outcomes[i].ok()) {
      ++metrics_.sends_committed;
    } else {
      ++metrics_.sends_rejected;
      if (outcomes[i].code() == core::Errc::storage_failure) ++metrics_.storage_failures;
    }
    apply(sends[i].session, handler_.finish_send(sends[i].pending, outcomes[i]), to_pump);
    metrics_.send_latency.observe_ms(ms_since(sends[i].received));
  }
}

void Worker::apply(SessionId id, HandlerOutput out, std::vector<SessionId>& to_pump) {
  if (out.logged_in) {
    auto& device = *sessions_.at(id).state.device;
    const DeviceAddress address{device.account, device.device};
    ++metrics_.logins;
    // One live connection per device: the newer one wins, the older one hears why it closes.
    auto [online, inserted] = online_.try_emplace(address, id);
    if (!inserted && online->second != id) {
      ++metrics_.conflicts;
      const auto conflict = core::make_error(core::Errc::conflict, "another connection of this device logged in");
      output_(online->second, {replies::error(0, wire::ErrorCode::CONFLICT, conflict.detail)}, conflict);
      sessions_.erase(online->second);
      online->second = id;
    }
    to_pump.push_back(id);
  }
  for (const auto& address : out.removed) {
    auto online = online_.find(address);
    if (online == online_.end()) continue;
    const auto gone = core::make_error(core::Errc::untrusted_identity, "this device was removed from its account");
    output_(online->second, {replies::error(0, gone)}, gone);
    sessions_.erase(online->second);
    online_.erase(online);
  }
  for (auto& [address, frame] : out.pushes) {
    auto online = online_.find(address);
    if (online != online_.end()) output_(online->second, {std::move(frame)}, std::nullopt);
  }
  for (const auto& mailbox : out.new_mail) {
    auto online = online_.find(DeviceAddress{mailbox.account, mailbox.device});
    if (online != online_.end()) to_pump.push_back(online->second);
  }
  if (out.close) spdlog::info("session {}: closing: {}", id, core::to_string(*out.close));
  if (!out.replies.empty() || out.close) output_(id, std::move(out.replies), std::move(out.close));
}

void Worker::pump(SessionId id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  auto out = handler_.pump(it->second.state);
  metrics_.messages_delivered += out.delivered;
  std::vector<SessionId> ignored;
  apply(id, std::move(out), ignored);
}

void Worker::expire_if_due() {
  if (Steady::now() < next_expiry_) return;
  next_expiry_ = Steady::now() + settings_.expiry_interval;
  auto expired = store_.expire_messages();
  if (expired.ok()) {
    metrics_.messages_expired += *expired;
    if (*expired > 0) spdlog::info("expired {} undelivered messages", *expired);
  } else {
    ++metrics_.storage_failures;
    spdlog::warn("expiry: {}", core::to_string(expired.error()));
  }
  if (auto blobs = store_.expire_blobs(); !blobs.ok()) ++metrics_.storage_failures;
}

}  // namespace parley::server
