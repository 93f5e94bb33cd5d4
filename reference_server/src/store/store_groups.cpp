// spec §11.2, the server's part: a group's membership log stored in order and served.
#include <algorithm>

#include "parley/crypto/hash.h"
#include "parley/protocol/groups/membership_entry.h"
#include "parley/server/store/store.h"
#include "store_internal.h"

namespace parley::server {

using core::Errc;
using core::make_error;
using Access = StorageBackend::Access;
namespace groups = protocol::groups;

Result<std::uint64_t> Store::append_group_entry(core::BytesView group, core::BytesView entry, const MailboxAddress& author) {
  if (entry.size() > settings_.max_group_entry_size)
    return make_error(Errc::message_too_large,
                      "membership entry over " + std::to_string(settings_.max_group_entry_size) + " bytes");
  PARLEY_TRY(const auto signed_entry, groups::decode_signed_membership_entry(entry));
  const auto& e = signed_entry.entry;
  if (group.size() != e.group.size() || !std::equal(group.begin(), group.end(), e.group.begin()))
    return make_error(Errc::malformed, "the entry is another group's");
  if (e.author_account != author.account.value || e.author_device != author.device.value)
    return make_error(Errc::unauthorized, "an entry another device made: a device appends its own entries");
  return transaction(Access::write, [&]() -> Result<std::uint64_t> {
    PARLEY_TRY(const auto length, backend_->group_log_length(group));
    if (e.version != length + 1)
      return make_error(Errc::conflict, "the log's next version is " + std::to_string(length + 1) + ", not " +
                                            std::to_string(e.version));
    if (length != 0) {
      PARLEY_TRY(const auto last, backend_->group_entry(group, length));
      if (!last || crypto::sha256(*last) != e.previous)
        return make_error(Errc::conflict, "the entry does not follow the log's last one");
    }
    PARLEY_CHECK(backend_->insert_group_entry(group, e.version, entry));
    return e.version;
  });
}

Result<Store::GroupLogPage> Store::group_log(core::BytesView group, std::uint64_t from) {
  return transaction(Access::read, [&]() -> Result<GroupLogPage> {
    PARLEY_TRY(const auto length, backend_->group_log_length(group));
    if (length == 0) return make_error(Errc::not_found, "no such group");
    if (from == 0 || from > length + 1) return make_error(Errc::malformed, "the log has no version " + std::to_string(from));
    GroupLogPage page;
    PARLEY_TRY(page.entries, backend_->group_entries(group, from, settings_.max_group_log_entries));
    page.more = from + page.entries.size() <= length;
    return page;
  });
}

}  // namespace parley::server
