// The engine's life and its one dispatch: creating or loading the device, registration, login, and
// every frame from the server handed to the part it concerns, each input in one unit of work.
#include "parley/client/engine.h"

#include <optional>
#include <type_traits>

#include "context.h"
#include "device_lists.h"
#include "group_sends.h"
#include "groups.h"
#include "inbox.h"
#include "linking.h"
#include "outbox.h"
#include "parley/core/transaction.h"
#include "parley/crypto/xeddsa.h"
#include "prekey_stock.h"
#include "receipts.h"
#include "retry.h"
#include "sessions.h"
#include "ticks.h"
#include "transfers.h"

namespace parley::client {

using core::Errc;
using namespace engine;

void EngineOutput::append(EngineOutput other) {
  for (auto& f : other.frames) frames.push_back(std::move(f));
  for (auto& e : other.events) events.push_back(std::move(e));
}

// The parts, in the order they depend on each other.
struct Engine::Parts {
  Parts(DeviceStore& store, LocalIdentity identity, crypto::Entropy& entropy, WallClock clock)
      : ctx{store, std::move(identity), entropy, std::move(clock), {}},
        prekeys(ctx),
        lists(ctx),
        sessions(ctx),
        ticks(ctx),
        retry(ctx, lists, sessions, prekeys),
        outbox(ctx, lists, sessions, ticks, retry),
        groups(ctx, lists, retry),
        group_sends(ctx, lists, groups, outbox, retry),
        receipts(ctx, outbox, ticks),
        inbox(ctx, lists, prekeys, retry, receipts, ticks, groups),
        linking(ctx, lists),
        transfers(ctx) {}

  EngineContext ctx;
  PreKeyStock prekeys;
  DeviceListCache lists;
  Sessions sessions;
  Ticks ticks;
  Retry retry;
  Outbox outbox;
  Groups groups;
  GroupSends group_sends;
  Receipts receipts;
  Inbox inbox;
  Linking linking;
  Transfers transfers;
};

Engine::Engine(DeviceStore& store, LocalIdentity identity, crypto::Entropy& entropy, WallClock clock)
    : store_(store), parts_(std::make_unique<Parts>(store, std::move(identity), entropy, std::move(clock))) {}

Engine::~Engine() = default;

const LocalIdentity& Engine::identity() const { return parts_->ctx.identity; }
bool Engine::read_receipts() const { return parts_->ticks.read_receipts(); }
bool Engine::list_pending(std::uint64_t account) const { return parts_->lists.pending(account); }
bool Engine::idle() const { return parts_->ctx.requests.empty() && parts_->outbox.idle() && parts_->group_sends.idle(); }
void Engine::device_list_changed(std::uint64_t account) { parts_->lists.forget(account); }
bool Engine::reading() const { return parts_->inbox.waiting() || parts_->groups.busy(); }

void Engine::disconnected() {
  parts_->transfers.disconnected();
  logged_in_ = false;
  needs_restart_ = false;
}

core::Result<std::unique_ptr<Engine>> Engine::create(DeviceStore& store, const crypto::X25519PublicKey& server_key,
                                                     crypto::Entropy& entropy, WallClock clock) {
  LocalIdentity id;
  PARLEY_TRY(id.identity, crypto::generate_x25519_key_pair(entropy));
  PARLEY_TRY(id.noise, crypto::generate_x25519_key_pair(entropy));
  std::uint8_t reg[2];
  PARLEY_CHECK(entropy.fill(reg));
  id.registration_id = 1 + ((std::uint32_t{reg[0]} << 8 | reg[1]) % 16380);  // libsignal's range
  id.server_key = server_key;
  id.account_key = id.identity.public_key;  // a new device is its own primary until linked
  // A device id can be re-linked to a new device, whose ids must not repeat the old one's: a
  // receiver knows a message by (account, device, message id). Starting at the clock keeps them
  // apart, and above the old ones, so "read up to" marks stay in order (spec §8.6).
  const auto first_message_id = clock() * kMessageIdsPerMillisecond;
  PARLEY_CHECK(core::in_transaction([&] { return store.begin(); }, [&] { return store.commit(); }, [&] { store.rollback(); },
                                    [&]() -> core::Result<void> {
                                      if (auto saved = store.save_identity(id); !saved.ok()) return saved;
                                      return store.start_message_ids(first_message_id);
                                    }));
  std::unique_ptr<Engine> engine(new Engine(store, std::move(id), entropy, std::move(clock)));
  PARLEY_CHECK(engine->load_state());
  return engine;
}

core::Result<std::unique_ptr<Engine>> Engine::load(DeviceStore& store, crypto::Entropy& entropy, WallClock clock) {
  PARLEY_TRY(auto id, store.identity());
  if (!id) return core::make_error(Errc::not_found, "this profile holds no device yet");
  std::unique_ptr<Engine> engine(new Engine(store, std::move(*id), entropy, std::move(clock)));
  PARLEY_CHECK(engine->load_state());
  return engine;
}

core::Result<void> Engine::load_state() {
  auto& p = *parts_;
  PARLEY_TRY(const auto id, store_.identity());
  if (id) p.ctx.identity = *id;
  PARLEY_CHECK(p.prekeys.load());
  PARLEY_CHECK(p.ticks.load());
  PARLEY_CHECK(p.retry.load());
  p.groups.clear();
  if (registered()) {
    PARLEY_CHECK(p.outbox.load());
    PARLEY_CHECK(p.group_sends.load());
  } else {
    p.outbox.clear();
    p.group_sends.clear();
  }
  return {};
}

void Engine::reload() {
  auto& p = *parts_;
  p.ctx.requests.clear();
  p.lists.forget_all();
  p.outbox.clear();
  p.group_sends.clear();
  p.groups.clear();
  p.inbox.clear();
  p.ticks.clear();
  // What cannot be read back now is read at the restart the driver owes (load() again).
  (void)load_state();
  needs_restart_ = true;
}

template <typename T, typename Body>
core::Result<T> Engine::in_unit_of_work(Body&& body) {
  std::optional<core::Error> failure;
  auto linkers = parts_->linking.save();
  {
    UnitOfWork work(store_);
    if (!work.begun().ok()) {
      failure = work.begun().error();
    } else {
      core::Result<T> result = body();
      if (!result.ok()) {
        failure = result.error();
      } else if (auto committed = work.commit(); !committed.ok()) {
        failure = committed.error();
      } else {
        const auto now = parts_->ctx.clock();
        if (now - last_checkpoint_ms_ >= kCheckpointIntervalMs || now < last_checkpoint_ms_) {
          last_checkpoint_ms_ = now;
          // A failed checkpoint loses nothing (the log still holds every commit); the next one tries again.
          (void)store_.checkpoint();
        }
        return result;
      }
    }
  }  // a unit of work that did not commit rolled back here: nothing of the input happened
  parts_->linking.restore(std::move(linkers));
  // A refusal of the command itself (an expired QR code, say) changed nothing; a store that failed
  // may have left the parts' memory ahead of the store, so everything is read again.
  if (failure->code == Errc::storage_failure) reload();
  return *failure;
}

core::Result<EngineOutput> Engine::upload_blob(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSource> source) {
  return parts_->transfers.upload(std::move(hash), size, std::move(source), logged_in_);
}

core::Result<EngineOutput> Engine::download_blob(core::Bytes hash, std::uint64_t size, std::shared_ptr<BlobSink> sink) {
  return parts_->transfers.download(std::move(hash), size, std::move(sink), logged_in_);
}

core::Result<EngineOutput> Engine::blob_fetched(core::Bytes hash) {
  EngineOutput out;
  if (!logged_in_) return core::make_error(Errc::connection_closed, "not logged in");
  PARLEY_TRY(auto frame, parts_->ctx.frame(PlainRequest{}, wire::BlobFetched{std::move(hash)}));
  out.frames.push_back(std::move(frame));
  return out;
}

bool Engine::transferring(const core::Bytes& hash) const { return parts_->transfers.active(hash); }

EngineOutput Engine::on_frame(const wire::Frame& frame) {
  auto out = in_unit_of_work<EngineOutput>([&]() -> core::Result<EngineOutput> {
    PARLEY_TRY(auto handled, dispatch(frame));
    PARLEY_TRY(auto kept, maintain());
    handled.append(std::move(kept));
    return handled;
  });
  if (out.ok()) return std::move(*out);
  return engine::failed(0, out.error());
}

core::Result<EngineOutput> Engine::dispatch(const wire::Frame& frame) {
  auto& p = *parts_;
  // A reply to one of our requests, or a push.
  const auto answered = p.ctx.requests.take(frame.request_id);
  return std::visit(
      [&](const auto& body) -> Output {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, wire::LoggedIn>) {
          return on_logged_in(body);
        } else if constexpr (std::is_same_v<T, wire::Deliver>) {
          return p.inbox.on_deliver(body);
        } else if constexpr (std::is_same_v<T, wire::RetryRequest>) {
          return p.retry.on_request(body);
        } else if constexpr (std::is_same_v<T, wire::LinkConfirmation>) {
          return p.linking.on_confirmation(body);
        } else if constexpr (std::is_same_v<T, wire::QueueEmpty>) {
          return engine::event(CaughtUpEvent{});
        } else if constexpr (std::is_same_v<T, wire::DeviceLinked>) {
          if (answered && std::holds_alternative<LinkRequest>(*answered)) return p.linking.on_device_linked(body);
          return EngineOutput{};
        } else if constexpr (std::is_same_v<T, wire::DeviceListReply>) {
          const auto* asked = answered ? std::get_if<ListRequest>(&*answered) : nullptr;
          if (asked == nullptr) return EngineOutput{};
          PARLEY_TRY(auto verdict, p.lists.on_reply(asked->account, body));
          auto out = std::move(verdict.out);
          if (verdict.refused) {
            PARLEY_TRY(auto failures, p.outbox.fail_for(asked->account, *verdict.refused));
            out.append(std::move(failures));
          } else {
            PARLEY_TRY(auto sends, p.outbox.advance());
            out.append(std::move(sends));
            PARLEY_TRY(auto entries, p.groups.on_list(asked->account));
            out.append(std::move(entries));
            PARLEY_TRY(auto group_sends, p.group_sends.advance());
            out.append(std::move(group_sends));
          }
          PARLEY_TRY(auto received, p.inbox.on_list(asked->account, !verdict.refused));
          out.append(std::move(received));
          return out;
        } else if constexpr (std::is_same_v<T, wire::PreKeyBundles>) {
          const auto* asked = answered ? std::get_if<BundleRequest>(&*answered) : nullptr;
          if (asked == nullptr || asked->account != body.account) return EngineOutput{};
          return p.outbox.on_bundles(body);
        } else if constexpr (std::is_same_v<T, wire::BlobState>) {
          const auto* blob = answered ? std::get_if<BlobRequest>(&*answered) : nullptr;
          if (blob == nullptr) return EngineOutput{};
          return p.transfers.on_state(frame.request_id, *blob, body);
        } else if constexpr (std::is_same_v<T, wire::BlobData>) {
          const auto* blob = answered ? std::get_if<BlobRequest>(&*answered) : nullptr;
          if (blob == nullptr) return EngineOutput{};
          return p.transfers.on_data(frame.request_id, *blob, body);
        } else if constexpr (std::is_same_v<T, wire::SendAck>) {
          if (const auto* group_send = answered ? std::get_if<GroupSendRequest>(&*answered) : nullptr)
            return p.group_sends.on_send_ack(*group_send, body);
          const auto* send = answered ? std::get_if<SendRequest>(&*answered) : nullptr;
          if (send == nullptr) return EngineOutput{};
          PARLEY_TRY(auto out, p.outbox.on_send_ack(*send, body));
          // A sender key the server took may be the last a group message waited for.
          PARLEY_TRY(auto group_sends, p.group_sends.advance());
          out.append(std::move(group_sends));
          return out;
        } else if constexpr (std::is_same_v<T, wire::GroupLog>) {
          const auto* fetch = answered ? std::get_if<GroupFetchRequest>(&*answered) : nullptr;
          if (fetch == nullptr) return EngineOutput{};
          PARLEY_TRY(auto out, p.groups.on_log(*fetch, body));
          PARLEY_TRY(auto group_sends, p.group_sends.advance());
          out.append(std::move(group_sends));
          return out;
        } else if constexpr (std::is_same_v<T, wire::Ok>) {
          if (const auto* append = answered ? std::get_if<GroupAppendRequest>(&*answered) : nullptr) {
            PARLEY_TRY(auto out, p.groups.on_appended(*append));
            PARLEY_TRY(auto group_sends, p.group_sends.advance());
            out.append(std::move(group_sends));
            return out;
          }
          if (const auto* blob = answered ? std::get_if<BlobRequest>(&*answered) : nullptr)
            return p.transfers.on_ok(frame.request_id, *blob);
          if (answered && std::holds_alternative<UploadRequest>(*answered))
            PARLEY_CHECK(p.prekeys.on_upload_answered(frame.request_id, true));
          return EngineOutput{};
        } else if constexpr (std::is_same_v<T, wire::ErrorFrame>) {
          if (answered) {
            if (const auto* blob = std::get_if<BlobRequest>(&*answered))
              return p.transfers.on_refused(frame.request_id, *blob, body);
            if (std::holds_alternative<UploadRequest>(*answered)) {
              PARLEY_CHECK(p.prekeys.on_upload_answered(frame.request_id, false));
              return engine::failed(0, wire::to_error(body));
            }
            if (const auto* list = std::get_if<ListRequest>(&*answered)) {
              p.lists.on_refused(list->account);
              PARLEY_TRY(auto out, p.outbox.fail_for(list->account, wire::to_error(body)));
              PARLEY_TRY(auto received, p.inbox.on_list(list->account, false));
              out.append(std::move(received));
              return out;
            }
            if (const auto* bundles = std::get_if<BundleRequest>(&*answered)) {
              p.outbox.on_bundles_refused(bundles->account);
              return EngineOutput{};
            }
            if (const auto* send = std::get_if<SendRequest>(&*answered)) {
              PARLEY_TRY(auto out, p.outbox.on_send_refused(*send, body));
              PARLEY_TRY(auto group_sends, p.group_sends.advance());  // a sender key that failed fails its message
              out.append(std::move(group_sends));
              return out;
            }
            if (const auto* send = std::get_if<GroupSendRequest>(&*answered)) return p.group_sends.on_send_refused(*send, body);
            if (const auto* append = std::get_if<GroupAppendRequest>(&*answered)) return p.groups.on_append_refused(*append, body);
            if (const auto* fetch = std::get_if<GroupFetchRequest>(&*answered)) return p.groups.on_fetch_refused(*fetch, body);
            return engine::failed(0, wire::to_error(body));
          }
          if (body.code == wire::ErrorCode::prekeys_low) return p.prekeys.refill();
          // The server does not take this device (any more): removed from its account, say.
          if (body.code == wire::ErrorCode::unauthorized)
            return engine::failed(0, core::make_error(Errc::unauthorized, "the server refused this device: " + body.detail));
          return EngineOutput{};
        } else {
          return EngineOutput{};  // a frame a server does not send a device
        }
      },
      frame.body);
}

// What the engine's clock asks for, checked with every input once logged in: the signed prekey's
// rotation (spec §4.2) and, for a primary, its device list published again before it expires (§8.3).
core::Result<EngineOutput> Engine::maintain() {
  if (!logged_in_) return EngineOutput{};
  auto& p = *parts_;
  PARLEY_TRY(auto out, p.prekeys.rotate_if_due());
  PARLEY_TRY(auto republished, p.linking.republish_if_due());
  out.append(std::move(republished));
  return out;
}

// Logged in (also right after registering), and for a companion's first login by key, linked.
core::Result<EngineOutput> Engine::on_logged_in(const wire::LoggedIn& frame) {
  auto& p = *parts_;
  EngineOutput out;
  // The server assigns ids once (registration, or a companion's link); a registered device that is
  // told it is another device is not (spec §9: the server is not trusted with that).
  if (registered() && (frame.account != identity().account || frame.device != identity().device))
    return engine::failed(0, core::make_error(Errc::untrusted_identity, "the server said this device is another one"));
  if (logged_in_) return out;  // this connection's login, said again
  if (p.linking.waiting() && !registered()) {
    auto approved = p.linking.on_approval(frame);
    if (!approved.ok()) {
      if (approved.code() == Errc::storage_failure) return approved.error();
      return engine::failed(0, approved.error());
    }
    if (!*approved) return out;  // linked at the server, the approval not there yet
    out.events.push_back((*approved)->linked);
    out.frames.push_back(std::move((*approved)->confirmation));
  }
  auto& id = p.ctx.identity;
  id.account = frame.account;
  id.device = frame.device;
  id.incarnation = frame.incarnation;
  PARLEY_CHECK(store_.save_identity(id));
  logged_in_ = true;
  // Keep a signed prekey and a stock of one-time prekeys on the server and, as a new primary,
  // publish the first device list; then everything the outbox holds.
  PARLEY_TRY(auto prekeys, p.prekeys.top_up());
  out.append(std::move(prekeys));
  if (id.device == protocol::devices::kPrimaryDevice && p.lists.find(id.account) == nullptr) {
    PARLEY_TRY(auto published, p.linking.publish_first_list());
    out.append(std::move(published));
  }
  PARLEY_TRY(auto sends, p.outbox.advance());
  out.append(std::move(sends));
  PARLEY_TRY(auto group_sends, p.group_sends.advance());
  out.append(std::move(group_sends));
  PARLEY_TRY(auto transfers, p.transfers.resume());
  out.append(std::move(transfers));
  // Messages held for a decision the person took while this device was offline.
  PARLEY_TRY(auto held, p.inbox.replay_held());
  out.append(std::move(held));
  return out;
}

core::Result<core::Bytes> Engine::register_frame() {
  const auto& id = identity();
  PARLEY_TRY(const auto signature, crypto::xeddsa_sign(id.identity.private_key, id.noise.public_key, parts_->ctx.entropy));
  const wire::Register request{{crypto::serialize_public_key(id.identity.public_key),
                                core::Bytes(id.noise.public_key.begin(), id.noise.public_key.end()),
                                core::Bytes(signature.begin(), signature.end()), id.registration_id}};
  return parts_->ctx.frame(PlainRequest{}, request);
}

core::Result<core::Bytes> Engine::login_frame() {
  return parts_->ctx.frame(PlainRequest{}, wire::Login{identity().account, identity().device});
}

core::Result<std::string> Engine::start_link(core::Bytes server_ref) { return parts_->linking.start(std::move(server_ref)); }

core::Result<core::Bytes> Engine::login_by_key_frame() { return parts_->ctx.frame(PlainRequest{}, wire::Login{0, 0}); }

core::Result<EngineOutput> Engine::link(std::string_view qr_text) {
  return in_unit_of_work<EngineOutput>([&] { return parts_->linking.link(qr_text); });
}

core::Result<EngineOutput> Engine::remove_device(std::uint32_t device) {
  return in_unit_of_work<EngineOutput>([&] { return parts_->linking.remove(device); });
}

core::Result<std::pair<std::uint64_t, EngineOutput>> Engine::send_text(std::uint64_t peer_account, std::string text) {
  if (!registered()) return core::make_error(Errc::no_session, "this device is not registered yet");
  return in_unit_of_work<std::pair<std::uint64_t, EngineOutput>>(
      [&]() -> core::Result<std::pair<std::uint64_t, EngineOutput>> {
        PARLEY_TRY(const auto id, parts_->outbox.add_text(peer_account, std::move(text)));
        PARLEY_TRY(auto out, parts_->outbox.advance());
        return std::pair{id, std::move(out)};
      });
}

core::Result<std::pair<std::uint64_t, EngineOutput>> Engine::send_media(std::uint64_t peer_account, wire::MediaBody media) {
  if (!registered()) return core::make_error(Errc::no_session, "this device is not registered yet");
  return in_unit_of_work<std::pair<std::uint64_t, EngineOutput>>(
      [&]() -> core::Result<std::pair<std::uint64_t, EngineOutput>> {
        PARLEY_TRY(const auto id, parts_->outbox.add_media(peer_account, std::move(media)));
        PARLEY_TRY(auto out, parts_->outbox.advance());
        return std::pair{id, std::move(out)};
      });
}

core::Result<std::pair<std::uint64_t, EngineOutput>> Engine::create_group(std::string subject, std::vector<std::uint64_t> members) {
  if (!registered()) return core::make_error(Errc::no_session, "this device is not registered yet");
  return in_unit_of_work<std::pair<std::uint64_t, EngineOutput>>([&] { return parts_->groups.create(std::move(subject), std::move(members)); });
}

core::Result<EngineOutput> Engine::change_group(std::uint64_t chat, protocol::groups::MembershipChange change,
                                                std::vector<std::uint64_t> targets, std::string subject) {
  return in_unit_of_work<EngineOutput>(
      [&] { return parts_->groups.change(chat, change, std::move(targets), std::move(subject)); });
}

core::Result<std::pair<std::uint64_t, EngineOutput>> Engine::send_group(std::uint64_t chat, std::string text,
                                                                        std::optional<wire::MediaBody> media) {
  if (!registered()) return core::make_error(Errc::no_session, "this device is not registered yet");
  return in_unit_of_work<std::pair<std::uint64_t, EngineOutput>>(
      [&]() -> core::Result<std::pair<std::uint64_t, EngineOutput>> {
        PARLEY_TRY(const auto id, parts_->group_sends.add(chat, std::move(text), std::move(media)));
        PARLEY_TRY(auto out, parts_->group_sends.advance());
        return std::pair{id, std::move(out)};
      });
}

core::Result<std::optional<protocol::groups::GroupMembership>> Engine::group_membership(std::uint64_t chat) {
  using None = std::optional<protocol::groups::GroupMembership>;
  PARLEY_TRY(const auto group, parts_->groups.group_of_chat(chat));
  if (!group) return None{};
  PARLEY_TRY(const auto* log, parts_->groups.log(group->group));
  if (log == nullptr) return None{};
  return None(log->state());
}

EngineOutput Engine::fetch_group(std::uint64_t chat) {
  auto out = in_unit_of_work<EngineOutput>([&]() -> core::Result<EngineOutput> {
    PARLEY_TRY(const auto group, parts_->groups.group_of_chat(chat));
    if (!group) return core::make_error(Errc::not_found, "no such group");
    return parts_->groups.fetch(group->group);
  });
  return out.ok() ? std::move(*out) : engine::failed(0, out.error());
}

bool Engine::group_pending(std::uint64_t chat) {
  auto group = parts_->groups.group_of_chat(chat);
  return group.ok() && *group && parts_->groups.fetching((*group)->group);
}

core::Result<EngineOutput> Engine::accept_identity(std::uint64_t account, std::uint32_t device) {
  return in_unit_of_work<EngineOutput>([&]() -> core::Result<EngineOutput> {
    PARLEY_CHECK(store_.delete_session(account, device));
    return parts_->inbox.replay_held();
  });
}

core::Result<EngineOutput> Engine::mark_read(std::uint64_t chat) {
  // Receipts in groups (§10.1's group rules) are not built yet: a group chat read sends none.
  if (is_group_chat(chat)) return EngineOutput{};
  return in_unit_of_work<EngineOutput>([&] { return parts_->receipts.mark_read(chat); });
}

core::Result<void> Engine::set_read_receipts(bool on) {
  return in_unit_of_work<void>([&] { return parts_->ticks.set_read_receipts(on); });
}

core::Result<protocol::receipts::Status> Engine::status(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) {
  return parts_->ticks.status(chat, sender_device, message_id);
}

EngineOutput Engine::fetch_device_list(std::uint64_t account) {
  auto out = parts_->lists.fetch(account);
  return out.ok() ? std::move(*out) : engine::failed(0, out.error());
}

}  // namespace parley::client
