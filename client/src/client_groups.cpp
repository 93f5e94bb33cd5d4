// The Client's groups (spec §11.3): the engine's group commands, written to the server and waited
// for, as the CLI's `parley group` commands use them.
#include "parley/client/client.h"
#include "client_wait.h"

namespace parley::client {

using core::Errc;
using namespace std::chrono_literals;

asio::awaitable<core::Result<void>> Client::wait_group(std::uint64_t chat, std::uint64_t version, std::size_t from) {
  std::optional<core::Error> failure;
  bool reached = false;
  auto settled = co_await wait(
      [&] {
        for (std::size_t i = from; i < events_.size(); ++i) {
          if (const auto* g = std::get_if<GroupEvent>(&events_[i]); g && g->chat == chat && g->version >= version) reached = true;
          if (const auto* f = std::get_if<FailedEvent>(&events_[i]); f && f->message_id == 0 && !failure) failure = f->error;
        }
        return reached || failure.has_value();
      },
      30s);
  if (!settled.ok()) co_return settled.error();
  if (!reached && failure) co_return *failure;
  co_return core::Result<void>{};
}

asio::awaitable<core::Result<std::uint64_t>> Client::create_group(std::string subject, std::vector<std::uint64_t> members) {
  const auto from = events_.size();
  auto created = engine_->create_group(std::move(subject), std::move(members));
  if (!created.ok()) co_return created.error();
  const auto chat = created->first;
  if (auto written = co_await write(std::move(created->second)); !written.ok()) co_return written.error();
  if (auto done = co_await wait_group(chat, 1, from); !done.ok()) co_return done.error();
  co_return chat;
}

asio::awaitable<core::Result<void>> Client::change_group(std::uint64_t chat, protocol::groups::MembershipChange change,
                                                         std::vector<std::uint64_t> targets, std::string subject) {
  // Over the newest log: a change made on an old one would be refused as not following it.
  auto current = co_await refresh_group(chat);
  if (!current.ok()) co_return current.error();
  const auto from = events_.size();
  auto changed = engine_->change_group(chat, change, std::move(targets), std::move(subject));
  if (!changed.ok()) co_return changed.error();
  if (auto written = co_await write(std::move(*changed)); !written.ok()) co_return written.error();
  co_return co_await wait_group(chat, current->version + 1, from);
}

asio::awaitable<core::Result<std::uint64_t>> Client::send_group_text(std::uint64_t chat, std::string text) {
  auto started = engine_->send_group(chat, std::move(text));
  if (!started.ok()) co_return started.error();
  const auto id = started->first;
  if (auto written = co_await write(std::move(started->second)); !written.ok()) co_return written.error();
  co_return co_await wait_sent(id);
}

asio::awaitable<core::Result<protocol::groups::GroupMembership>> Client::refresh_group(std::uint64_t chat) {
  const auto from = events_.size();
  if (auto written = co_await write(engine_->fetch_group(chat)); !written.ok()) co_return written.error();
  auto settled = co_await wait([&] { return !engine_->group_pending(chat); }, 30s);
  if (!settled.ok()) co_return settled.error();
  for (std::size_t i = from; i < events_.size(); ++i)
    if (const auto* f = std::get_if<FailedEvent>(&events_[i]); f && f->message_id == 0) co_return f->error;
  auto membership = engine_->group_membership(chat);
  if (!membership.ok()) co_return membership.error();
  if (!*membership) co_return core::make_error(Errc::not_found, "the group's log is not verified yet");
  co_return **membership;
}

}  // namespace parley::client
