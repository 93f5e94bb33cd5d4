// spec §11.2: a group's membership log, appended and fetched.
#include "body_codec.h"

namespace parley::wire::body_codec {

void write(Body::Builder body, const GroupLogAppend& f) {
  auto b = body.initGroupLogAppend();
  b.setGroup(as_data(f.group));
  b.setEntry(as_data(f.entry));
}

void write(Body::Builder body, const GroupLogFetch& f) {
  auto b = body.initGroupLogFetch();
  b.setGroup(as_data(f.group));
  b.setFromVersion(f.from_version);
}

void write(Body::Builder body, const GroupLog& f) {
  auto b = body.initGroupLog();
  b.setGroup(as_data(f.group));
  b.setFromVersion(f.from_version);
  auto entries = b.initEntries(static_cast<unsigned>(f.entries.size()));
  for (unsigned i = 0; i < f.entries.size(); ++i) entries.set(i, as_data(f.entries[i]));
  b.setMore(f.more);
}

GroupLogAppend read_group_log_append(Body::Reader body) {
  auto b = body.getGroupLogAppend();
  return {to_bytes(b.getGroup()), to_bytes(b.getEntry())};
}

GroupLogFetch read_group_log_fetch(Body::Reader body) {
  auto b = body.getGroupLogFetch();
  return {to_bytes(b.getGroup()), b.getFromVersion()};
}

GroupLog read_group_log(Body::Reader body) {
  auto b = body.getGroupLog();
  GroupLog out{to_bytes(b.getGroup()), b.getFromVersion(), {}, b.getMore()};
  for (const auto e : b.getEntries()) out.entries.push_back(to_bytes(e));
  return out;
}

void write(Body::Builder body, const GroupSend& f) {
  auto b = body.initGroupSend();
  b.setClientMessageId(f.client_message_id);
  b.setGroup(as_data(f.group));
  b.setMembershipVersion(f.membership_version);
  b.setCiphertext(as_data(f.ciphertext));
  auto recipients = b.initRecipients(static_cast<unsigned>(f.recipients.size()));
  for (unsigned i = 0; i < f.recipients.size(); ++i) {
    recipients[i].setAccount(f.recipients[i].account);
    const auto& devices = f.recipients[i].devices;
    auto list = recipients[i].initDevices(static_cast<unsigned>(devices.size()));
    for (unsigned j = 0; j < devices.size(); ++j) {
      list[j].setDeviceId(devices[j].first);
      list[j].setIncarnation(devices[j].second);
    }
  }
  if (f.blob_refs.empty()) return;
  auto refs = b.initBlobRefs(static_cast<unsigned>(f.blob_refs.size()));
  for (unsigned i = 0; i < f.blob_refs.size(); ++i) refs.set(i, as_data(f.blob_refs[i]));
}

GroupSend read_group_send(Body::Reader body) {
  auto b = body.getGroupSend();
  GroupSend out{b.getClientMessageId(), to_bytes(b.getGroup()), b.getMembershipVersion(), to_bytes(b.getCiphertext()), {}};
  const auto recipients = b.getRecipients();
  out.recipients.reserve(recipients.size());
  for (const auto r : recipients) {
    GroupRecipient recipient{r.getAccount(), {}};
    recipient.devices.reserve(r.getDevices().size());
    for (const auto d : r.getDevices()) recipient.devices.emplace_back(d.getDeviceId(), d.getIncarnation());
    out.recipients.push_back(std::move(recipient));
  }
  for (const auto ref : b.getBlobRefs()) out.blob_refs.push_back(to_bytes(ref));
  return out;
}

std::size_t estimate_words(const GroupSend& f) {
  std::size_t words = 16 + words_for(f.ciphertext) + 2 * f.recipients.size();
  for (const auto& r : f.recipients) words += 2 * r.devices.size();
  for (const auto& ref : f.blob_refs) words += 1 + words_for(ref);
  return words;
}

std::size_t estimate_words(const GroupLogAppend& f) { return 16 + words_for(f.entry); }
std::size_t estimate_words(const GroupLog& f) {
  std::size_t words = 16 + f.entries.size();
  for (const auto& e : f.entries) words += words_for(e);
  return words;
}

}  // namespace parley::wire::body_codec
