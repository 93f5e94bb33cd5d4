// The in-memory device store. Every rule the SQLite store keeps in SQL is kept here in code:
// idempotent messages and receipt marks, read marks that only rise, counters that never go back, and
// a unit of work that is all or nothing (a copy of the state taken at the first write inside it,
// put back on rollback).
#include "parley/client/store/memory_device_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "parley/client/testing/mutation.h"
#include "parley/protocol/retry/retry.h"

namespace parley::client {

using core::Result;

namespace {

class MemoryDeviceStore final : public DeviceStore {
  struct State;

 public:
  MemoryDeviceStore() = default;
  explicit MemoryDeviceStore(State state) : state_(std::move(state)) {}
  // What the last commit left.
  State committed() const { return saved_ ? *saved_ : state_; }

  Result<void> begin() override {
    if (open_) return core::make_error(core::Errc::internal, "a unit of work is open already");
    open_ = true;
    return {};
  }
  Result<void> commit() override {
    open_ = false;
    saved_.reset();
    return {};
  }
  void rollback() noexcept override {
    if (saved_) state_ = std::move(*saved_);
    saved_.reset();
    open_ = false;
  }

  Result<std::optional<LocalIdentity>> identity() override { return state_.identity; }
  Result<void> save_identity(const LocalIdentity& identity) override {
    write().identity = identity;
    return {};
  }
  Result<std::vector<StoredSignedPreKey>> signed_prekeys() override {
    std::vector<StoredSignedPreKey> out;
    for (const auto& [id, k] : state_.signed_prekeys) out.push_back(k);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
    return out;
  }
  Result<void> put_signed_prekey(const StoredSignedPreKey& key) override {
    write().signed_prekeys.insert_or_assign(key.key.id.value, key);
    return {};
  }
  Result<void> delete_signed_prekey(protocol::SignedPreKeyId id) override {
    write().signed_prekeys.erase(id.value);
    return {};
  }
  Result<std::map<std::uint32_t, protocol::OneTimePreKey>> one_time_prekeys() override { return state_.one_time_prekeys; }
  Result<void> put_one_time_prekeys(const std::vector<protocol::OneTimePreKey>& keys) override {
    auto& s = write();
    for (const auto& k : keys) {
      s.one_time_prekeys.insert_or_assign(k.id.value, k);
      s.next_one_time_prekey = std::max(s.next_one_time_prekey, k.id.value + 1);
    }
    return {};
  }
  Result<void> delete_one_time_prekey(protocol::PreKeyId id) override {
    write().one_time_prekeys.erase(id.value);
    return {};
  }
  Result<std::uint32_t> next_one_time_prekey_id() override { return state_.next_one_time_prekey; }
  Result<std::uint64_t> take_message_id() override { return write().next_message++; }
  Result<void> start_message_ids(std::uint64_t first) override {
    auto& s = write();
    s.next_message = std::max(s.next_message, first);
    return {};
  }

  Result<std::optional<StoredSession>> session(std::uint64_t account, std::uint32_t device) override {
    const auto it = state_.sessions.find({account, device});
    if (it == state_.sessions.end()) return std::optional<StoredSession>{};
    return std::optional<StoredSession>(it->second);
  }
  Result<std::vector<SessionSummary>> session_summaries() override {
    std::vector<SessionSummary> out;
    for (const auto& [key, s] : state_.sessions) out.push_back({s.account, s.device, s.incarnation, s.identity_key});
    return out;
  }
  Result<void> save_session(const StoredSession& session) override {
    write().sessions.insert_or_assign({session.account, session.device}, session);
    return {};
  }
  Result<void> set_session_incarnation(std::uint64_t account, std::uint32_t device, std::uint64_t incarnation) override {
    auto& s = write();
    if (auto it = s.sessions.find({account, device}); it != s.sessions.end()) it->second.incarnation = incarnation;
    return {};
  }
  Result<void> delete_session(std::uint64_t account, std::uint32_t device) override {
    write().sessions.erase({account, device});
    return {};
  }

  Result<std::optional<StoredDeviceList>> device_list(std::uint64_t account) override {
    const auto it = state_.lists.find(account);
    if (it == state_.lists.end()) return std::optional<StoredDeviceList>{};
    return std::optional<StoredDeviceList>(it->second);
  }
  Result<void> save_device_list(const StoredDeviceList& list) override {
    write().lists.insert_or_assign(list.account, list);
    return {};
  }

  Result<bool> add_message(const StoredMessage& m) override {
    const MessageKey key{m.sender_account, m.sender_device, m.message_id};
    if (state_.index.contains(key)) return false;
    auto& s = write();
    s.index.emplace(key, s.messages.size());
    s.messages.push_back({m, false});
    return true;
  }
  Result<std::vector<StoredMessage>> messages(std::uint64_t chat) override {
    std::vector<std::pair<std::size_t, const StoredMessage*>> found;
    for (std::size_t i = 0; i < state_.messages.size(); ++i)
      if (state_.messages[i].message.chat == chat) found.emplace_back(i, &state_.messages[i].message);
    // As SQLite orders them: by timestamp, then in the order stored.
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.second->timestamp_ms < b.second->timestamp_ms; });
    std::vector<StoredMessage> out;
    for (const auto& [i, m] : found) out.push_back(*m);
    return out;
  }
  Result<std::optional<StoredMessage>> message(std::uint64_t sender_account, std::uint32_t sender_device,
                                               std::uint64_t message_id) override {
    const auto it = state_.index.find({sender_account, sender_device, message_id});
    if (it == state_.index.end()) return std::optional<StoredMessage>{};
    return std::optional<StoredMessage>(state_.messages[it->second].message);
  }
  Result<std::vector<ChatSummary>> chats() override {
    std::map<std::uint64_t, ChatSummary> by_chat;
    for (const auto& row : state_.messages) {
      const auto& m = row.message;
      auto& c = by_chat[m.chat];
      c.chat = m.chat;
      ++c.messages;
      const auto marks = state_.read_marks.find(m.chat);
      std::uint64_t up_to = 0;
      if (marks != state_.read_marks.end())
        if (auto mark = marks->second.find(m.sender_device); mark != marks->second.end()) up_to = mark->second;
      if (m.direction == Direction::incoming && m.message_id > up_to) ++c.unread;
      c.last = m;  // the last stored
    }
    std::vector<ChatSummary> out;
    for (auto& [chat, c] : by_chat) out.push_back(std::move(c));
    std::sort(out.begin(), out.end(), [](const ChatSummary& a, const ChatSummary& b) { return a.last.timestamp_ms > b.last.timestamp_ms; });
    return out;
  }

  Result<void> mark_sent(std::uint64_t sender_account, std::uint32_t sender_device, std::uint64_t message_id) override {
    const auto it = state_.index.find({sender_account, sender_device, message_id});
    if (it != state_.index.end()) write().messages[it->second].sent = true;
    return {};
  }
  Result<std::vector<OutgoingRef>> outgoing(std::uint64_t chat, std::uint64_t own_account) override {
    std::vector<OutgoingRef> out;
    for (const auto& row : state_.messages) {
      const auto& m = row.message;
      if (m.chat == chat && m.direction == Direction::outgoing && m.sender_account == own_account)
        out.push_back({m.sender_device, m.message_id, row.sent});
    }
    return out;
  }
  Result<bool> add_receipt(std::uint64_t chat, const StoredReceipt& receipt) override {
    if (state_.receipts.contains({chat, receipt})) return false;
    write().receipts.insert({chat, receipt});
    return true;
  }
  Result<std::vector<StoredReceipt>> receipts(std::uint64_t chat) override {
    std::vector<StoredReceipt> out;
    for (const auto& [c, r] : state_.receipts)
      if (c == chat) out.push_back(r);
    return out;
  }
  Result<bool> note_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override {
    if (state_.ahead.contains({chat, sender_device, message_id})) return false;
    auto& s = write();
    s.ahead.insert({chat, sender_device, message_id});
    ++s.ahead_count[chat];
    return true;
  }
  Result<void> settle_receipt_ahead(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t message_id) override {
    if (!state_.ahead.contains({chat, sender_device, message_id})) return {};
    auto& s = write();
    s.ahead.erase({chat, sender_device, message_id});
    --s.ahead_count[chat];
    return {};
  }
  Result<std::size_t> receipts_ahead(std::uint64_t chat) override {
    const auto it = state_.ahead_count.find(chat);
    return it == state_.ahead_count.end() ? std::size_t{0} : it->second;
  }
  Result<void> hold_message(const HeldMessage& m) override {
    if (!state_.held.contains(m.server_id)) write().held.emplace(m.server_id, m);
    return {};
  }
  Result<std::vector<HeldMessage>> held_messages(std::uint64_t account, std::uint32_t device) override {
    std::vector<HeldMessage> out;
    for (const auto& [id, m] : state_.held)
      if (m.sender_account == account && m.sender_device == device) out.push_back(m);
    return out;
  }
  Result<std::size_t> held_count(std::uint64_t account, std::uint32_t device) override {
    PARLEY_TRY(const auto held, held_messages(account, device));
    return held.size();
  }
  Result<std::vector<std::pair<std::uint64_t, std::uint32_t>>> held_senders() override {
    std::set<std::pair<std::uint64_t, std::uint32_t>> senders;
    for (const auto& [id, m] : state_.held) senders.insert({m.sender_account, m.sender_device});
    return std::vector<std::pair<std::uint64_t, std::uint32_t>>(senders.begin(), senders.end());
  }
  Result<void> release_held(std::uint64_t server_id) override {
    if (state_.held.contains(server_id)) write().held.erase(server_id);
    return {};
  }
  Result<std::map<std::uint32_t, std::uint64_t>> read_marks(std::uint64_t chat) override {
    const auto it = state_.read_marks.find(chat);
    if (it == state_.read_marks.end()) return std::map<std::uint32_t, std::uint64_t>{};
    return it->second;
  }
  Result<bool> raise_read_mark(std::uint64_t chat, std::uint32_t sender_device, std::uint64_t up_to) override {
    const auto marks = state_.read_marks.find(chat);
    if (marks != state_.read_marks.end())
      if (auto mark = marks->second.find(sender_device); mark != marks->second.end() && mark->second >= up_to) return false;
    write().read_marks[chat][sender_device] = up_to;
    return true;
  }
  Result<std::optional<std::int64_t>> setting(const std::string& name) override {
    const auto it = state_.settings.find(name);
    if (it == state_.settings.end()) return std::optional<std::int64_t>{};
    return std::optional<std::int64_t>(it->second);
  }
  Result<void> set_setting(const std::string& name, std::int64_t value) override {
    write().settings[name] = value;
    return {};
  }

  Result<std::vector<StoredMessage>> unsent(std::uint64_t own_account, std::uint32_t own_device) override {
    std::vector<StoredMessage> out;
    for (const auto& row : state_.messages) {
      const auto& m = row.message;
      if (m.direction == Direction::outgoing && !row.sent && m.sender_account == own_account && m.sender_device == own_device)
        out.push_back(m);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.message_id < b.message_id; });
    return out;
  }
  Result<void> put_pending_receipt(const PendingReceipt& receipt) override {
    write().pending_receipts.insert_or_assign(receipt.id, receipt);
    return {};
  }
  Result<void> delete_pending_receipt(std::uint64_t id) override {
    write().pending_receipts.erase(id);
    return {};
  }
  Result<std::vector<PendingReceipt>> pending_receipts() override {
    std::vector<PendingReceipt> out;
    for (const auto& [id, r] : state_.pending_receipts) out.push_back(r);
    return out;
  }
  Result<void> record_send(std::uint64_t server_id, std::uint64_t message_id, std::uint64_t account,
                           const std::vector<std::uint32_t>& devices) override {
    auto& s = write();
    for (const auto device : devices) s.sent[server_id][{account, device}] = message_id;
    while (s.sent.size() > protocol::retry::kMaxTrackedMessages) s.sent.erase(s.sent.begin());  // the oldest go
    return {};
  }
  Result<std::optional<std::uint64_t>> sent_to(std::uint64_t server_id, std::uint64_t account, std::uint32_t device) override {
    const auto send = state_.sent.find(server_id);
    if (send == state_.sent.end()) return std::optional<std::uint64_t>{};
    auto copy = send->second.find({account, device});
    if (mutation::on(mutation::Defect::retry_any_asker)) copy = send->second.begin();
    if (copy == send->second.end()) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>(copy->second);
  }
  Result<std::vector<std::uint64_t>> recorded_sends() override {
    std::vector<std::uint64_t> out;
    for (const auto& [id, copies] : state_.sent) out.push_back(id);
    return out;
  }

  // GroupStore
  Result<std::optional<StoredGroup>> group(core::BytesView id) override {
    const auto it = state_.groups.find(core::to_bytes(id));
    if (it == state_.groups.end()) return std::optional<StoredGroup>{};
    return std::optional(it->second);
  }
  Result<std::optional<StoredGroup>> group_of_chat(std::uint64_t chat) override {
    for (const auto& [id, g] : state_.groups)
      if (g.chat == chat) return std::optional(g);
    return std::optional<StoredGroup>{};
  }
  Result<std::vector<StoredGroup>> groups() override {
    std::vector<StoredGroup> out;
    for (const auto& [id, g] : state_.groups) out.push_back(g);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.chat < b.chat; });
    return out;
  }
  Result<std::uint64_t> save_group(const StoredGroup& group) override {
    auto& s = write();
    auto kept = group;
    const auto it = s.groups.find(group.group);
    if (it != s.groups.end()) {
      kept.chat = it->second.chat;
    } else {
      kept.chat = kFirstGroupChat + 1;  // as SQLite numbers rows: from 1
      for (const auto& [id, g] : s.groups) kept.chat = std::max(kept.chat, g.chat + 1);
    }
    s.groups.insert_or_assign(group.group, kept);
    return kept.chat;
  }
  Result<std::optional<StoredSenderKey>> sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) override {
    const auto it = state_.sender_keys.find({account, device, core::to_bytes(distribution_id)});
    if (it == state_.sender_keys.end()) return std::optional<StoredSenderKey>{};
    return std::optional(it->second);
  }
  Result<void> save_sender_key(const StoredSenderKey& key) override {
    write().sender_keys.insert_or_assign({key.account, key.device, key.distribution_id}, key);
    return {};
  }
  Result<void> delete_sender_key(std::uint64_t account, std::uint32_t device, core::BytesView distribution_id) override {
    write().sender_keys.erase({account, device, core::to_bytes(distribution_id)});
    return {};
  }
  Result<void> delete_sender_keys(core::BytesView group, std::optional<std::uint64_t> account) override {
    std::erase_if(write().sender_keys, [&](const auto& entry) {
      const auto& k = entry.second;
      return std::equal(k.group.begin(), k.group.end(), group.begin(), group.end()) && (!account || k.account == *account);
    });
    return {};
  }
  Result<std::vector<KeyHolder>> key_holders(core::BytesView group) override {
    const auto it = state_.holders.find(core::to_bytes(group));
    if (it == state_.holders.end()) return std::vector<KeyHolder>{};
    return std::vector<KeyHolder>(it->second.begin(), it->second.end());
  }
  Result<void> add_key_holder(core::BytesView group, const KeyHolder& holder) override {
    write().holders[core::to_bytes(group)].insert(holder);
    return {};
  }
  Result<void> clear_key_holders(core::BytesView group) override {
    write().holders.erase(core::to_bytes(group));
    return {};
  }

 private:
  using MessageKey = std::tuple<std::uint64_t, std::uint32_t, std::uint64_t>;  // sender account, device, id
  struct Row {
    StoredMessage message;
    bool sent = false;
  };
  struct State {
    std::optional<LocalIdentity> identity;
    std::map<std::uint32_t, StoredSignedPreKey> signed_prekeys;
    std::map<std::uint32_t, protocol::OneTimePreKey> one_time_prekeys;
    std::uint32_t next_one_time_prekey = 1;
    std::uint64_t next_message = 1;
    std::map<std::pair<std::uint64_t, std::uint32_t>, StoredSession> sessions;
    std::map<std::uint64_t, StoredDeviceList> lists;
    std::vector<Row> messages;  // in the order stored
    std::map<MessageKey, std::size_t> index;
    std::set<std::pair<std::uint64_t, StoredReceipt>> receipts;
    std::map<std::uint64_t, std::map<std::uint32_t, std::uint64_t>> read_marks;
    std::map<std::string, std::int64_t> settings;
    std::map<std::uint64_t, PendingReceipt> pending_receipts;
    std::set<std::tuple<std::uint64_t, std::uint32_t, std::uint64_t>> ahead;  // chat, sender device, message id
    std::map<std::uint64_t, std::size_t> ahead_count;
    std::map<std::uint64_t, HeldMessage> held;  // by server id
    std::map<std::uint64_t, std::map<std::pair<std::uint64_t, std::uint32_t>, std::uint64_t>> sent;  // server id -> copies
    std::map<core::Bytes, StoredGroup> groups;  // by group id
    std::map<std::tuple<std::uint64_t, std::uint32_t, core::Bytes>, StoredSenderKey> sender_keys;
    std::map<core::Bytes, std::set<KeyHolder>> holders;  // by group id
  };

  // The state to change: inside a unit of work, a copy of the committed state is kept first.
  State& write() {
    if (open_ && !saved_) saved_ = state_;
    return state_;
  }

  State state_;
  std::optional<State> saved_;
  bool open_ = false;
};

}  // namespace

std::unique_ptr<DeviceStore> make_memory_device_store() { return std::make_unique<MemoryDeviceStore>(); }

std::unique_ptr<DeviceStore> copy_memory_device_store(const DeviceStore& store) {
  const auto* memory = dynamic_cast<const MemoryDeviceStore*>(&store);
  if (memory == nullptr) return nullptr;
  return std::make_unique<MemoryDeviceStore>(memory->committed());
}

}  // namespace parley::client
