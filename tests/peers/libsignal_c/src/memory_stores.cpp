// The store callbacks are called from C: none may throw, so allocation failures become
// SG_ERR_NOMEM. Return conventions are the library's (signal_protocol.h): load_session 1/0,
// contains 1/0, a missing prekey SG_ERR_INVALID_KEY_ID, is_trusted 1/0.
#include "memory_stores.h"
#include "guarded.h"

#include <new>

namespace parley::testing::libsignal_c {
namespace {

MemoryStores& stores(void* user_data) { return *static_cast<MemoryStores*>(user_data); }

MemoryStores::Address address_of(const signal_protocol_address* address) {
  return {std::string(address->name, address->name_len), address->device_id};
}

template <typename Container>
int copy_out(signal_buffer** out, const Container& bytes) {
  signal_buffer* buffer = signal_buffer_create(bytes.data(), bytes.size());
  if (buffer == nullptr) return SG_ERR_NOMEM;
  *out = buffer;
  return SG_SUCCESS;
}

// Owned by the peer, not by the store context: nothing to free when the context goes.
void destroy_nothing(void*) {}

// --- sessions ---------------------------------------------------------------------------------

int load_session(signal_buffer** record, signal_buffer** user_record, const signal_protocol_address* address,
                 void* user_data) {
  return guarded([&] {
    const auto& all = stores(user_data).sessions;
    const auto it = all.find(address_of(address));
    if (it == all.end()) return 0;
    if (copy_out(record, it->second.record) != SG_SUCCESS) return SG_ERR_NOMEM;
    if (it->second.user_record && copy_out(user_record, *it->second.user_record) != SG_SUCCESS) {
      signal_buffer_free(*record);
      *record = nullptr;
      return SG_ERR_NOMEM;
    }
    return 1;
  });
}

int get_sub_device_sessions(signal_int_list** sessions, const char* name, std::size_t name_len,
                            void* user_data) {
  return guarded([&] {
    signal_int_list* list = signal_int_list_alloc();
    if (list == nullptr) return SG_ERR_NOMEM;
    const std::string wanted(name, name_len);
    for (const auto& [address, session] : stores(user_data).sessions) {
      if (address.name != wanted) continue;
      if (signal_int_list_push_back(list, address.device_id) < 0) {
        signal_int_list_free(list);
        return SG_ERR_NOMEM;
      }
    }
    *sessions = list;
    return static_cast<int>(signal_int_list_size(list));
  });
}

int store_session(const signal_protocol_address* address, std::uint8_t* record, std::size_t record_len,
                  std::uint8_t* user_record, std::size_t user_record_len, void* user_data) {
  return guarded([&] {
    MemoryStores::Session session{core::Bytes(record, record + record_len), std::nullopt};
    if (user_record != nullptr) session.user_record = core::Bytes(user_record, user_record + user_record_len);
    stores(user_data).sessions.insert_or_assign(address_of(address), std::move(session));
    return SG_SUCCESS;
  });
}

int contains_session(const signal_protocol_address* address, void* user_data) {
  return guarded([&] { return stores(user_data).sessions.contains(address_of(address)) ? 1 : 0; });
}

int delete_session(const signal_protocol_address* address, void* user_data) {
  return guarded([&] { return stores(user_data).sessions.erase(address_of(address)) > 0 ? 1 : 0; });
}

int delete_all_sessions(const char* name, std::size_t name_len, void* user_data) {
  return guarded([&] {
    const std::string wanted(name, name_len);
    return static_cast<int>(std::erase_if(stores(user_data).sessions,
                                          [&](const auto& entry) { return entry.first.name == wanted; }));
  });
}

// --- one-time and signed prekeys -----------------------------------------------------------------

int load_key(std::map<std::uint32_t, MemoryStores::SecretRecord>& keys, signal_buffer** record,
             std::uint32_t id) {
  const auto it = keys.find(id);
  if (it == keys.end()) return SG_ERR_INVALID_KEY_ID;
  return copy_out(record, it->second);
}

int store_key(std::map<std::uint32_t, MemoryStores::SecretRecord>& keys, std::uint32_t id,
              const std::uint8_t* record, std::size_t record_len) {
  keys.insert_or_assign(id, MemoryStores::MemoryStores::SecretRecord(record, record + record_len));
  return SG_SUCCESS;
}

int load_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
  return guarded([&] { return load_key(stores(user_data).pre_keys, record, id); });
}
int store_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t record_len, void* user_data) {
  return guarded([&] { return store_key(stores(user_data).pre_keys, id, record, record_len); });
}
int contains_pre_key(std::uint32_t id, void* user_data) {
  return guarded([&] { return stores(user_data).pre_keys.contains(id) ? 1 : 0; });
}
int remove_pre_key(std::uint32_t id, void* user_data) {
  return guarded([&] {
    stores(user_data).pre_keys.erase(id);
    return SG_SUCCESS;
  });
}

int load_signed_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
  return guarded([&] { return load_key(stores(user_data).signed_pre_keys, record, id); });
}
int store_signed_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t record_len, void* user_data) {
  return guarded([&] { return store_key(stores(user_data).signed_pre_keys, id, record, record_len); });
}
int contains_signed_pre_key(std::uint32_t id, void* user_data) {
  return guarded([&] { return stores(user_data).signed_pre_keys.contains(id) ? 1 : 0; });
}
int remove_signed_pre_key(std::uint32_t id, void* user_data) {
  return guarded([&] {
    stores(user_data).signed_pre_keys.erase(id);
    return SG_SUCCESS;
  });
}

// --- identity ------------------------------------------------------------------------------------

int get_identity_key_pair(signal_buffer** public_data, signal_buffer** private_data, void* user_data) {
  return guarded([&] {
    const auto& s = stores(user_data);
    if (copy_out(public_data, s.identity_public) != SG_SUCCESS) return SG_ERR_NOMEM;
    if (copy_out(private_data, s.identity_private) != SG_SUCCESS) {
      signal_buffer_free(*public_data);
      *public_data = nullptr;
      return SG_ERR_NOMEM;
    }
    return SG_SUCCESS;
  });
}

int get_local_registration_id(void* user_data, std::uint32_t* registration_id) {
  *registration_id = stores(user_data).registration_id;
  return SG_SUCCESS;
}

int save_identity(const signal_protocol_address* address, std::uint8_t* key_data, std::size_t key_len,
                  void* user_data) {
  return guarded([&] {
    auto& identities = stores(user_data).identities;
    if (key_data == nullptr)
      identities.erase(address_of(address));
    else
      identities.insert_or_assign(address_of(address), core::Bytes(key_data, key_data + key_len));
    return SG_SUCCESS;
  });
}

int is_trusted_identity(const signal_protocol_address*, std::uint8_t*, std::size_t, void*) { return 1; }

// --- sender keys --------------------------------------------------------------------------------

MemoryStores::SenderKeyName sender_key_name_of(const signal_protocol_sender_key_name* name) {
  return {std::string(name->group_id, name->group_id_len), address_of(&name->sender)};
}

int store_sender_key(const signal_protocol_sender_key_name* name, std::uint8_t* record, std::size_t record_len,
                     std::uint8_t*, std::size_t, void* user_data) {
  return guarded([&] {
    stores(user_data).sender_keys.insert_or_assign(sender_key_name_of(name), MemoryStores::SecretRecord(record, record + record_len));
    return SG_SUCCESS;
  });
}

int load_sender_key(signal_buffer** record, signal_buffer**, const signal_protocol_sender_key_name* name,
                    void* user_data) {
  return guarded([&] {
    const auto& all = stores(user_data).sender_keys;
    const auto it = all.find(sender_key_name_of(name));
    if (it == all.end()) return 0;
    return copy_out(record, it->second) == SG_SUCCESS ? 1 : SG_ERR_NOMEM;
  });
}

}  // namespace

int MemoryStores::install(signal_protocol_store_context* context) {
  signal_protocol_session_store session_store{};
  session_store.load_session_func = load_session;
  session_store.get_sub_device_sessions_func = get_sub_device_sessions;
  session_store.store_session_func = store_session;
  session_store.contains_session_func = contains_session;
  session_store.delete_session_func = delete_session;
  session_store.delete_all_sessions_func = delete_all_sessions;
  session_store.destroy_func = destroy_nothing;
  session_store.user_data = this;

  signal_protocol_pre_key_store pre_key_store{};
  pre_key_store.load_pre_key = load_pre_key;
  pre_key_store.store_pre_key = store_pre_key;
  pre_key_store.contains_pre_key = contains_pre_key;
  pre_key_store.remove_pre_key = remove_pre_key;
  pre_key_store.destroy_func = destroy_nothing;
  pre_key_store.user_data = this;

  signal_protocol_signed_pre_key_store signed_pre_key_store{};
  signed_pre_key_store.load_signed_pre_key = load_signed_pre_key;
  signed_pre_key_store.store_signed_pre_key = store_signed_pre_key;
  signed_pre_key_store.contains_signed_pre_key = contains_signed_pre_key;
  signed_pre_key_store.remove_signed_pre_key = remove_signed_pre_key;
  signed_pre_key_store.destroy_func = destroy_nothing;
  signed_pre_key_store.user_data = this;

  signal_protocol_identity_key_store identity_store{};
  identity_store.get_identity_key_pair = get_identity_key_pair;
  identity_store.get_local_registration_id = get_local_registration_id;
  identity_store.save_identity = save_identity;
  identity_store.is_trusted_identity = is_trusted_identity;
  identity_store.destroy_func = destroy_nothing;
  identity_store.user_data = this;

  signal_protocol_sender_key_store sender_key_store{};
  sender_key_store.store_sender_key = store_sender_key;
  sender_key_store.load_sender_key = load_sender_key;
  sender_key_store.destroy_func = destroy_nothing;
  sender_key_store.user_data = this;

  int result = signal_protocol_store_context_set_session_store(context, &session_store);
  if (result == SG_SUCCESS) result = signal_protocol_store_context_set_pre_key_store(context, &pre_key_store);
  if (result == SG_SUCCESS)
    result = signal_protocol_store_context_set_signed_pre_key_store(context, &signed_pre_key_store);
  if (result == SG_SUCCESS)
    result = signal_protocol_store_context_set_identity_key_store(context, &identity_store);
  if (result == SG_SUCCESS)
    result = signal_protocol_store_context_set_sender_key_store(context, &sender_key_store);
  return result;
}

}  // namespace parley::testing::libsignal_c
