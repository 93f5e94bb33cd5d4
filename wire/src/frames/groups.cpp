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

std::size_t estimate_words(const GroupLogAppend& f) { return 16 + words_for(f.entry); }
std::size_t estimate_words(const GroupLog& f) {
  std::size_t words = 16 + f.entries.size();
  for (const auto& e : f.entries) words += words_for(e);
  return words;
}

}  // namespace parley::wire::body_codec
