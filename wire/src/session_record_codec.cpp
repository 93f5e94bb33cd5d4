#include "parley/wire/session_record_codec.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "flat_message.h"
#include "parley/crypto/x25519.h"
#include "parley/protocol/limits.h"
#include "parley/wire/limits.h"
#include "parley/wire/schema/session.capnp.h"

namespace parley::wire {

using core::Errc;
using flat_message::as_data;
using flat_message::as_view;
using protocol::SessionState;

static_assert(kSessionRecordFormatVersion == schema::SESSION_RECORD_FORMAT_VERSION,
              "session_store_codec.h and session.capnp disagree");

namespace {

// First-segment sizes in words (see the layout in session.capnp); an underestimate costs a copy.
constexpr std::size_t kRecordWords = 8;
constexpr std::size_t kStateWords = 64;
constexpr std::size_t kReceiverWords = 18;   // the chain, and its key once more among the skipped keys
constexpr std::size_t kSkippedKeyWords = 6;  // struct (2) and seed (4); a ratchet key is an index

std::size_t estimate_words(const SessionState& s) {
  return kStateWords + kReceiverWords * s.receivers.size() + kSkippedKeyWords * s.skipped.size();
}

// ---- writing ----

void write_skipped(schema::SkippedKeys::Builder out, const protocol::SkippedKeys& skipped) {
  const auto entries = skipped.entries_in_order();
  // Each chain's ratchet key once, in order of first appearance; entries refer to it by index.
  std::map<protocol::X25519PublicKey, std::uint16_t> index;
  std::vector<const protocol::X25519PublicKey*> keys;
  for (const auto& e : entries) {
    if (index.emplace(e.id.first, static_cast<std::uint16_t>(keys.size())).second)
      keys.push_back(&e.id.first);
  }
  auto table = out.initRatchetKeys(static_cast<unsigned>(keys.size()));
  for (unsigned i = 0; i < keys.size(); ++i) table.set(i, as_data(crypto::serialize_public_key(*keys[i])));
  auto list = out.initEntries(static_cast<unsigned>(entries.size()));
  for (unsigned i = 0; i < entries.size(); ++i) {
    list[i].setRatchetKey(index.at(entries[i].id.first));
    list[i].setCounter(entries[i].id.second);
    list[i].setSeed(as_data(entries[i].seed.view()));
  }
}

void write_state(schema::SessionState::Builder out, const SessionState& s) {
  out.setVersionByte(s.version_byte);
  out.setLocalIdentity(as_data(crypto::serialize_public_key(s.local_identity)));
  out.setRemoteIdentity(as_data(crypto::serialize_public_key(s.remote_identity)));
  out.setLocalRegistrationId(s.local_registration_id.value);
  out.setRemoteRegistrationId(s.remote_registration_id.value);
  out.setBaseKey(as_data(crypto::serialize_public_key(s.base_key)));
  out.setRootKey(as_data(s.root_key.view()));

  auto sender = out.initSender();
  sender.setRatchetPublicKey(as_data(crypto::serialize_public_key(s.sender.ratchet_key.public_key)));
  sender.setRatchetPrivateKey(as_data(s.sender.ratchet_key.private_key.view()));
  sender.setChainKey(as_data(s.sender.chain.key.view()));
  sender.setIndex(s.sender.chain.index);
  out.setPreviousCounter(s.previous_counter);

  if (!s.receivers.empty()) {
    auto receivers = out.initReceivers(static_cast<unsigned>(s.receivers.size()));
    for (unsigned i = 0; i < s.receivers.size(); ++i) {
      receivers[i].setRatchetKey(as_data(crypto::serialize_public_key(s.receivers[i].ratchet_key)));
      receivers[i].setChainKey(as_data(s.receivers[i].chain.key.view()));
      receivers[i].setIndex(s.receivers[i].chain.index);
    }
  }
  if (s.skipped.size() > 0) write_skipped(out.initSkipped(), s.skipped);
  if (s.pending_prekey) {
    auto pending = out.initPendingPreKey();
    if (s.pending_prekey->prekey_id) {
      pending.getPreKey().setId(s.pending_prekey->prekey_id->value);
    } else {
      pending.getPreKey().setNone();
    }
    pending.setSignedPreKeyId(s.pending_prekey->signed_prekey_id.value);
    pending.setBaseKey(as_data(crypto::serialize_public_key(s.pending_prekey->base_key)));
  }
}

// ---- reading ----

core::Error missing(const char* what) {
  return core::make_error(Errc::malformed, std::string("missing ") + what);
}

core::Result<protocol::X25519PublicKey> read_public(bool present, capnp::Data::Reader key, const char* what) {
  if (!present) return missing(what);
  return crypto::parse_public_key(as_view(key));
}

// Secret material goes straight from the (wiped) word buffer into a zeroizing type.
core::Result<protocol::Key32> read_key32(bool present, capnp::Data::Reader key, const char* what) {
  if (!present) return missing(what);
  if (key.size() != protocol::Key32::size())
    return core::make_error(Errc::bad_key,
                            std::string(what) + " must be 32 bytes, got " + std::to_string(key.size()));
  return protocol::Key32(as_view(key));
}

core::Result<core::SecretBytes> read_private(bool present, capnp::Data::Reader key, const char* what) {
  if (!present) return missing(what);
  if (key.size() != crypto::kX25519KeySize)
    return core::make_error(Errc::bad_key,
                            std::string(what) + " must be 32 bytes, got " + std::to_string(key.size()));
  return core::SecretBytes(as_view(key));
}

core::Result<void> read_skipped(schema::SkippedKeys::Reader in, protocol::SkippedKeys& out) {
  const auto table = in.getRatchetKeys();
  const auto entries = in.getEntries();
  // Skipped keys belong to receiver chains (a dropped chain takes its keys along), each chain
  // holding at most kMaxSkippedMessageKeys: bounds checked before anything is parsed.
  if (table.size() > protocol::kMaxReceiverChains)
    return core::make_error(Errc::limit_exceeded,
                            "skipped keys of " + std::to_string(table.size()) + " chains");
  if (entries.size() > protocol::kMaxSkippedMessageKeys * protocol::kMaxReceiverChains)
    return core::make_error(Errc::limit_exceeded, std::to_string(entries.size()) + " skipped keys");
  if (table.size() > entries.size())
    return core::make_error(Errc::malformed, "more skipped-key ratchet keys than skipped keys");
  std::vector<protocol::X25519PublicKey> keys;
  keys.reserve(table.size());
  for (auto key : table) {
    PARLEY_TRY(auto parsed, crypto::parse_public_key(as_view(key)));
    keys.push_back(parsed);
  }
  std::vector<std::size_t> per_chain(keys.size(), 0);
  std::vector<protocol::SkippedKeys::Entry> restored;
  restored.reserve(entries.size());
  for (auto e : entries) {
    const auto chain = e.getRatchetKey();
    if (chain >= keys.size()) return core::make_error(Errc::malformed, "skipped key of an unlisted chain");
    if (++per_chain[chain] > protocol::kMaxSkippedMessageKeys)
      return core::make_error(
          Errc::limit_exceeded,
          "more than " + std::to_string(protocol::kMaxSkippedMessageKeys) + " skipped keys on one chain");
    PARLEY_TRY(auto seed, read_key32(e.hasSeed(), e.getSeed(), "skipped key seed"));
    restored.push_back({{keys[chain], e.getCounter()}, seed});
  }
  // Inserted in order, one run of a single chain per call as insert() expects, so that the rebuilt
  // store equals the original. Within the bounds checked above nothing is evicted.
  for (auto run = restored.begin(); run != restored.end();) {
    auto end = std::find_if(run, restored.end(), [&](const auto& e) { return e.id.first != run->id.first; });
    out.insert(std::vector<protocol::SkippedKeys::Entry>(std::make_move_iterator(run),
                                                         std::make_move_iterator(end)));
    run = end;
  }
  if (out.size() != entries.size()) return core::make_error(Errc::malformed, "a skipped key stored twice");
  return {};
}

core::Result<protocol::PendingPreKey> read_pending(schema::PendingPreKey::Reader in) {
  protocol::PendingPreKey pending;
  switch (in.getPreKey().which()) {
    case schema::PendingPreKey::PreKey::NONE:
      break;
    case schema::PendingPreKey::PreKey::ID:
      pending.prekey_id = protocol::PreKeyId{in.getPreKey().getId()};
      break;
    default:  // a variant added by a later format: its meaning is unknown here
      return core::make_error(Errc::malformed, "unknown one-time prekey variant");
  }
  pending.signed_prekey_id = protocol::SignedPreKeyId{in.getSignedPreKeyId()};
  PARLEY_TRY(pending.base_key, read_public(in.hasBaseKey(), in.getBaseKey(), "pending base key"));
  return pending;
}

core::Result<SessionState> read_state(schema::SessionState::Reader in) {
  SessionState s;
  s.version_byte = in.getVersionByte();
  PARLEY_TRY(s.local_identity, read_public(in.hasLocalIdentity(), in.getLocalIdentity(), "local identity"));
  PARLEY_TRY(s.remote_identity,
             read_public(in.hasRemoteIdentity(), in.getRemoteIdentity(), "remote identity"));
  s.local_registration_id = protocol::RegistrationId{in.getLocalRegistrationId()};
  s.remote_registration_id = protocol::RegistrationId{in.getRemoteRegistrationId()};
  PARLEY_TRY(s.base_key, read_public(in.hasBaseKey(), in.getBaseKey(), "base key"));
  PARLEY_TRY(s.root_key, read_key32(in.hasRootKey(), in.getRootKey(), "root key"));

  if (!in.hasSender()) return missing("sending chain");
  const auto sender = in.getSender();
  PARLEY_TRY(s.sender.ratchet_key.public_key,
             read_public(sender.hasRatchetPublicKey(), sender.getRatchetPublicKey(), "sending ratchet key"));
  PARLEY_TRY(s.sender.ratchet_key.private_key,
             read_private(sender.hasRatchetPrivateKey(), sender.getRatchetPrivateKey(),
                          "sending ratchet private key"));
  PARLEY_TRY(s.sender.chain.key, read_key32(sender.hasChainKey(), sender.getChainKey(), "sending chain key"));
  s.sender.chain.index = sender.getIndex();
  s.previous_counter = in.getPreviousCounter();

  const auto receivers = in.getReceivers();
  if (receivers.size() > protocol::kMaxReceiverChains)
    return core::make_error(Errc::limit_exceeded, std::to_string(receivers.size()) + " receiver chains");
  s.receivers.reserve(receivers.size());
  for (auto r : receivers) {
    protocol::ReceiverChain chain;
    PARLEY_TRY(chain.ratchet_key, read_public(r.hasRatchetKey(), r.getRatchetKey(), "receiving ratchet key"));
    PARLEY_TRY(chain.chain.key, read_key32(r.hasChainKey(), r.getChainKey(), "receiving chain key"));
    chain.chain.index = r.getIndex();
    s.receivers.push_back(std::move(chain));
  }
  if (in.hasSkipped()) PARLEY_CHECK(read_skipped(in.getSkipped(), s.skipped));
  if (in.hasPendingPreKey()) {
    PARLEY_TRY(s.pending_prekey, read_pending(in.getPendingPreKey()));
  }
  return s;
}

}  // namespace

core::Bytes session_record_serialize(const protocol::SessionRecord& record) {
  std::size_t estimate = kRecordWords + (record.current ? estimate_words(*record.current) : 0);
  for (const auto& s : record.archived) estimate += estimate_words(s);
  core::Bytes out;
  flat_message::write<schema::SessionRecord>(out, estimate, [&](schema::SessionRecord::Builder b) {
    b.setFormatVersion(kSessionRecordFormatVersion);
    if (record.current) write_state(b.initCurrent(), *record.current);
    if (!record.archived.empty()) {
      auto archived = b.initArchived(static_cast<unsigned>(record.archived.size()));
      for (unsigned i = 0; i < record.archived.size(); ++i) write_state(archived[i], record.archived[i]);
    }
  });
  return out;
}

core::Result<protocol::SessionRecord> session_record_deserialize(core::BytesView stored) {
  if (stored.size() > kMaxSessionRecordSize)
    return core::make_error(Errc::malformed, "session record too large");
  return flat_message::read<schema::SessionRecord>(
      stored, [](schema::SessionRecord::Reader in) -> core::Result<protocol::SessionRecord> {
        if (in.getFormatVersion() != kSessionRecordFormatVersion)
          return core::make_error(Errc::unsupported_version,
                                  "session record format " + std::to_string(in.getFormatVersion()));
        const auto archived = in.getArchived();
        if (archived.size() > protocol::kMaxArchivedSessions)
          return core::make_error(Errc::limit_exceeded,
                                  std::to_string(archived.size()) + " archived sessions");
        protocol::SessionRecord record;
        if (in.hasCurrent()) {
          PARLEY_TRY(record.current, read_state(in.getCurrent()));
        }
        for (auto state : archived) {
          PARLEY_TRY(auto restored, read_state(state));
          record.archived.push_back(std::move(restored));
        }
        return record;
      });
}

}  // namespace parley::wire
