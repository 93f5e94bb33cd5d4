// Session records persisted and restored (spec §5.8): a restored record equals the original and
// behaves identically from then on; every bound of protocol/limits.h is checked at N and N+1.
#include "parley/wire/session_record_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <deque>
#include <functional>
#include <optional>

#include "parley/wire/capnp_codec.h"
#include "session_fixture.h"
#include "parley/protocol/limits.h"
#include "parley/wire/limits.h"
#include "parley/wire/schema/session.capnp.h"

namespace parley::testing {
namespace {

using core::Errc;
using CapnpPair = SessionPair<wire::CapnpCodec>;
using wire::session_record_deserialize;
using wire::session_record_serialize;

capnp::Data::Reader flat_message_data(core::BytesView bytes) { return {bytes.data(), bytes.size()}; }

protocol::SessionRecord round_trip(const protocol::SessionRecord& record) {
  auto restored = session_record_deserialize(session_record_serialize(record));
  EXPECT_TRUE(restored.ok()) << core::to_string(restored.error());
  return restored.ok() ? std::move(restored).value() : protocol::SessionRecord{};
}

// Edits a stored record with Cap'n Proto's own reader and writer, for encodings the serializer
// never produces.
template <typename Change>
core::Bytes edit(const core::Bytes& stored, Change&& change) {
  auto words = kj::heapArray<capnp::word>(stored.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), stored.data(), stored.size());
  capnp::ReaderOptions unlimited;
  unlimited.traversalLimitInWords = 1u << 30;
  capnp::FlatArrayMessageReader reader(words, unlimited);
  capnp::MallocMessageBuilder builder(2 * words.size() + 1024);  // one segment
  builder.setRoot(reader.getRoot<wire::schema::SessionRecord>());
  change(builder.getRoot<wire::schema::SessionRecord>());
  EXPECT_EQ(builder.getSegmentsForOutput().size(), 1u);
  const auto flat = capnp::messageToFlatArray(builder);
  return {flat.asBytes().begin(), flat.asBytes().end()};
}

// Alice and Bob after the first exchange, so that both hold a full state.
struct Established : CapnpPair {
  explicit Established(std::uint64_t seed) : CapnpPair(seed) {
    EXPECT_TRUE(to_bob("setup").ok());
    EXPECT_TRUE(to_alice("ack").ok());
  }
};

// Bob with `skipped` skipped keys: Alice sends skipped + 1 messages and only the last arrives.
void skip(Established& p, std::size_t skipped) {
  std::optional<protocol::OutgoingMessage> last;
  for (std::size_t i = 0; i <= skipped; ++i) last = send_with(p.codec, p.alice, "m").value();
  ASSERT_TRUE(receive_with(p.codec, p.bob, *last, p.entropy).ok());
}

protocol::X25519PublicKey key_of(std::uint32_t seed) {
  protocol::X25519PublicKey k;
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(seed * 31 + i);
  return k;
}

// ---- round trips ----

TEST(SessionStoreCodec, EmptyRecordRoundTrips) {
  const protocol::SessionRecord empty;
  EXPECT_EQ(round_trip(empty), empty);
}

TEST(SessionStoreCodec, RecordsRightAfterSetupRoundTrip) {
  CapnpPair p(1);
  ASSERT_TRUE(p.started);
  ASSERT_TRUE(p.alice.record.current->pending_prekey.has_value());
  EXPECT_EQ(round_trip(p.alice.record), p.alice.record);  // initiator: pending prekey, one receiver
  ASSERT_TRUE(p.to_bob("hello").ok());
  EXPECT_EQ(round_trip(p.bob.record), p.bob.record);  // responder after the first message
  std::printf("session record sizes after setup: initiator %zu bytes, responder %zu bytes\n",
              session_record_serialize(p.alice.record).size(), session_record_serialize(p.bob.record).size());
}

TEST(SessionStoreCodec, SkippedKeysKeepTheirOrder) {
  Established p(2);
  skip(p, 1000);
  const auto& skipped = p.bob.record.current->skipped;
  ASSERT_EQ(skipped.size(), 1000u);
  const auto stored = session_record_serialize(p.bob.record);
  std::printf("session record with 1000 skipped keys: %zu bytes\n", stored.size());
  auto restored = session_record_deserialize(stored);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*restored, p.bob.record);
  const auto a = skipped.entries_in_order();
  const auto b = restored->current->skipped.entries_in_order();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].seed, b[i].seed);
  }
}

TEST(SessionStoreCodec, EvictionOrderSurvivesARestore) {
  Established p(3);
  skip(p, protocol::kMaxSkippedMessageKeys);
  auto restored = p.bob.record;
  restored = round_trip(p.bob.record);
  ASSERT_EQ(restored, p.bob.record);
  // More keys skipped on both copies evict the same oldest ones.
  std::optional<protocol::OutgoingMessage> last;
  for (int i = 0; i < 11; ++i) last = send_with(p.codec, p.alice, "m").value();
  auto message = wire::CapnpCodec{}.decode_signal_message(last->wire).value();
  auto original_entropy = p.entropy;
  auto a = protocol::plan_receive(p.bob.record, message, p.entropy);
  auto b = protocol::plan_receive(restored, message, original_entropy);
  ASSERT_TRUE(a.ok() && b.ok());
  protocol::commit_receive(p.bob.record, std::move(a).value());
  protocol::commit_receive(restored, std::move(b).value());
  EXPECT_EQ(restored, p.bob.record);
  EXPECT_EQ(restored.current->skipped.size(), protocol::kMaxSkippedMessageKeys);
}

// The largest valid record: a current and kMaxArchivedSessions archived sessions, each with
// kMaxReceiverChains receiver chains of kMaxSkippedMessageKeys skipped keys. It fits
// kMaxSessionRecordSize, which is where that bound comes from.
TEST(SessionStoreCodec, LargestValidRecordFitsTheSizeLimit) {
  Established p(4);
  protocol::SessionState full = *p.bob.record.current;
  full.receivers.clear();
  full.skipped = {};
  for (std::uint32_t c = 0; c < protocol::kMaxReceiverChains; ++c) {
    full.receivers.push_back(
        {key_of(c), {protocol::Key32(core::Bytes(32, static_cast<std::uint8_t>(c))), c}});
    std::vector<protocol::SkippedKeys::Entry> chain;  // one chain per insert, as the ratchet does
    for (std::uint32_t i = 0; i < protocol::kMaxSkippedMessageKeys; ++i)
      chain.push_back({{key_of(c), i}, protocol::Key32(core::Bytes(32, 1))});
    full.skipped.insert(std::move(chain));
  }
  ASSERT_EQ(full.skipped.size(), protocol::kMaxSkippedMessageKeys * protocol::kMaxReceiverChains);
  protocol::SessionRecord record;
  record.current = full;
  record.archived.assign(protocol::kMaxArchivedSessions, full);
  const auto stored = session_record_serialize(record);
  std::printf("largest valid session record: %zu bytes (limit %zu)\n", stored.size(),
              wire::kMaxSessionRecordSize);
  EXPECT_LT(stored.size(), wire::kMaxSessionRecordSize);
  auto restored = session_record_deserialize(stored);
  ASSERT_TRUE(restored.ok()) << core::to_string(restored.error());
  EXPECT_EQ(*restored, record);
}

// Skipped keys of several chains, interleaved, come back in the same order.
TEST(SessionStoreCodec, InterleavedChainsKeepTheirOrder) {
  Established p(9);
  // Alice's burst on her current chain, partly delivered; then a reply from Bob moves Alice to a
  // new chain, whose burst is partly delivered too: Bob holds skipped keys of two chains.
  for (int round = 0; round < 3; ++round) {
    std::vector<protocol::OutgoingMessage> burst;
    for (int i = 0; i < 5; ++i) burst.push_back(send_with(p.codec, p.alice, "m").value());
    ASSERT_TRUE(receive_with(p.codec, p.bob, burst[4], p.entropy).ok());
    ASSERT_TRUE(p.to_alice("ack").ok());
  }
  ASSERT_EQ(p.bob.record.current->skipped.size(), 12u);
  EXPECT_EQ(round_trip(p.bob.record), p.bob.record);
}
// ---- limits at N and N+1 ----

TEST(SessionStoreCodec, ArchivedSessionsLimit) {
  Established p(5);
  protocol::SessionRecord record = p.alice.record;
  record.archived.assign(protocol::kMaxArchivedSessions, *record.current);
  EXPECT_EQ(round_trip(record), record);
  record.archived.push_back(*record.current);
  EXPECT_EQ(session_record_deserialize(session_record_serialize(record)).code(), Errc::limit_exceeded);
}

TEST(SessionStoreCodec, ReceiverChainsLimit) {
  Established p(6);
  protocol::SessionRecord record = p.alice.record;
  auto& receivers = record.current->receivers;
  while (receivers.size() < protocol::kMaxReceiverChains) receivers.push_back(receivers.front());
  EXPECT_EQ(round_trip(record), record);
  receivers.push_back(receivers.front());
  EXPECT_EQ(session_record_deserialize(session_record_serialize(record)).code(), Errc::limit_exceeded);
}

TEST(SessionStoreCodec, SkippedKeysLimit) {
  Established p(7);
  skip(p, protocol::kMaxSkippedMessageKeys);
  const auto stored = session_record_serialize(p.bob.record);
  EXPECT_EQ(round_trip(p.bob.record), p.bob.record);
  // One more entry than a SkippedKeys can hold: only a hand-made encoding has it.
  const auto over = edit(stored, [](wire::schema::SessionRecord::Builder r) {
    auto skipped = r.getCurrent().getSkipped();
    auto orphan = skipped.disownEntries();  // keeps the old list alive while the new one is filled
    auto old = orphan.getReader();
    auto entries = skipped.initEntries(old.size() + 1);
    for (unsigned i = 0; i < old.size(); ++i) entries.setWithCaveats(i, old[i]);
    entries[old.size()].setRatchetKey(0);
    entries[old.size()].setCounter(1u << 30);
    entries[old.size()].setSeed(flat_message_data(core::Bytes(32, 9)));
  });
  EXPECT_EQ(session_record_deserialize(over).code(), Errc::limit_exceeded);
}

TEST(SessionStoreCodec, SkippedKeyChainsLimit) {
  Established p(10);
  skip(p, 2);
  const auto stored = session_record_serialize(p.bob.record);
  // Skipped keys of kMaxReceiverChains + 1 chains cannot arise: a dropped chain takes its keys along.
  auto with_chains = [&](unsigned chains) {
    return edit(stored, [&](wire::schema::SessionRecord::Builder r) {
      auto skipped = r.getCurrent().getSkipped();
      auto table = skipped.initRatchetKeys(chains);
      auto entries = skipped.initEntries(chains);
      for (unsigned c = 0; c < chains; ++c) {
        table.set(c, flat_message_data(crypto::serialize_public_key(key_of(100 + c))));
        entries[c].setRatchetKey(static_cast<std::uint16_t>(c));
        entries[c].setSeed(flat_message_data(core::Bytes(32, 3)));
      }
    });
  };
  auto at_limit = session_record_deserialize(with_chains(protocol::kMaxReceiverChains));
  ASSERT_TRUE(at_limit.ok()) << core::to_string(at_limit.error());
  EXPECT_EQ(at_limit->current->skipped.size(), protocol::kMaxReceiverChains);
  EXPECT_EQ(session_record_deserialize(with_chains(protocol::kMaxReceiverChains + 1)).code(),
            Errc::limit_exceeded);
}

// ---- negative ----

class Corrupt : public ::testing::Test {
 protected:
  Corrupt() : p(8) { skip(p, 3); }
  core::Bytes stored() const { return session_record_serialize(p.bob.record); }
  Errc code_after(std::function<void(wire::schema::SessionRecord::Builder)> change) const {
    auto r = session_record_deserialize(edit(stored(), change));
    return r.ok() ? Errc::internal : r.code();
  }
  Established p;
};

TEST_F(Corrupt, UntouchedEditRoundTrips) {
  auto r = session_record_deserialize(edit(stored(), [](wire::schema::SessionRecord::Builder) {}));
  ASSERT_TRUE(r.ok()) << core::to_string(r.error());
  EXPECT_EQ(*r, p.bob.record);
}

TEST_F(Corrupt, FormatVersion) {
  EXPECT_EQ(code_after([](auto r) { r.setFormatVersion(2); }), Errc::unsupported_version);
  EXPECT_EQ(code_after([](auto r) { r.setFormatVersion(0); }), Errc::unsupported_version);
}

TEST_F(Corrupt, KeysOfTheWrongTypeOrLengthAreBadKey) {
  EXPECT_EQ(code_after([](auto r) { r.getCurrent().setRootKey(flat_message_data(core::Bytes(31, 1))); }),
            Errc::bad_key);
  EXPECT_EQ(code_after([](auto r) {
              auto key = crypto::serialize_public_key(key_of(1));
              key[0] = 0x08;
              r.getCurrent().setRemoteIdentity(flat_message_data(key));
            }),
            Errc::bad_key);
  EXPECT_EQ(code_after([](auto r) {
              r.getCurrent().getSender().setRatchetPrivateKey(flat_message_data(core::Bytes(33, 1)));
            }),
            Errc::bad_key);
  EXPECT_EQ(code_after([](auto r) {
              r.getCurrent().getReceivers()[0].setChainKey(flat_message_data(core::Bytes(16, 1)));
            }),
            Errc::bad_key);
  EXPECT_EQ(code_after([](auto r) {
              r.getCurrent().getSkipped().getEntries()[0].setSeed(flat_message_data(core::Bytes(0, 1)));
            }),
            Errc::bad_key);
}

TEST_F(Corrupt, MissingOrInconsistentPartsAreMalformed) {
  EXPECT_EQ(code_after([](auto r) { r.getCurrent().disownSender(); }), Errc::malformed);
  EXPECT_EQ(code_after([](auto r) { r.getCurrent().disownRootKey(); }), Errc::malformed);
  EXPECT_EQ(code_after([](auto r) { r.getCurrent().getSkipped().getEntries()[0].setRatchetKey(1); }),
            Errc::malformed);  // one chain listed: index 1 does not exist
  EXPECT_EQ(code_after([](auto r) {
              auto entries = r.getCurrent().getSkipped().getEntries();
              entries[1].setCounter(entries[0].getCounter());  // the same key twice
            }),
            Errc::malformed);
}

TEST_F(Corrupt, TruncationsAndOversizeAreMalformed) {
  const auto bytes = stored();
  for (std::size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 61))
    EXPECT_EQ(session_record_deserialize(core::BytesView(bytes).first(n)).code(), Errc::malformed) << n;
  core::Bytes huge(wire::kMaxSessionRecordSize + 8, 0);
  EXPECT_EQ(session_record_deserialize(huge).code(), Errc::malformed);
}

// ---- the law: a restored record continues identically ----

// One step of a conversation over an in-memory network.
struct Op {
  int kind;  // 0-5 Alice sends, 6-11 Bob sends, 12-16 deliver, 17-18 drop, 19 Alice starts a new session
  std::uint32_t pick;
};

struct World {
  explicit World(std::uint64_t seed) : pair(seed) {}
  CapnpPair pair;
  std::deque<std::pair<bool, protocol::OutgoingMessage>> network;  // (to Bob?, message)
};

// What an observer outside the devices sees of one step: bytes sent, bytes decrypted, or an error.
core::Bytes step(World& w, const Op& op) {
  auto& p = w.pair;
  auto observe_error = [](Errc code) { return core::Bytes{0xee, static_cast<std::uint8_t>(code)}; };
  if (op.kind < 12) {
    const bool from_alice = op.kind < 6;
    auto m = send_with(p.codec, from_alice ? p.alice : p.bob, "message " + std::to_string(op.pick));
    if (!m) return observe_error(m.code());
    core::Bytes seen{static_cast<std::uint8_t>(m->type)};
    core::append(seen, m->wire);
    w.network.emplace_back(from_alice, std::move(m).value());
    return seen;
  }
  if (op.kind < 19) {
    if (w.network.empty()) return {};
    const auto at = w.network.begin() + static_cast<std::ptrdiff_t>(op.pick % w.network.size());
    auto [to_bob, m] = std::move(*at);
    w.network.erase(at);
    if (op.kind >= 17) return {};
    auto r = receive_with(p.codec, to_bob ? p.bob : p.alice, m, p.entropy);
    return r ? std::move(r).value() : observe_error(r.code());
  }
  auto started = protocol::start_session(p.alice.record, *p.alice.keys.identity_key,
                                         p.alice.keys.registration, bundle_of(p.bob), p.entropy);
  return started ? core::Bytes{} : observe_error(started.code());
}

RC_GTEST_PROP(SessionStoreLaws, RestoredRecordsContinueIdentically, ()) {
  World original(*rc::gen::arbitrary<std::uint64_t>());
  RC_ASSERT(original.pair.started);
  const auto count = *rc::gen::inRange<std::size_t>(10, 150);
  const auto ops = *rc::gen::container<std::vector<Op>>(
      count, rc::gen::map(
                 // inRange scales with RapidCheck's size; at full size it is uniform over the kinds.
                 rc::gen::pair(rc::gen::resize(rc::kNominalSize, rc::gen::inRange(0, 20)),
                               rc::gen::arbitrary<std::uint32_t>()),
                 [](std::pair<int, std::uint32_t> p) {
                   return Op{p.first, p.second};
                 }));
  const auto split = *rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(0, ops.size() + 1));
  for (std::size_t i = 0; i < split; ++i) step(original, ops[i]);

  World restored = original;  // same keys, network and entropy position ...
  for (auto* device : {&restored.pair.alice, &restored.pair.bob}) {
    auto back = session_record_deserialize(session_record_serialize(device->record));
    RC_ASSERT(back.ok());
    device->record = std::move(back).value();  // ... and the records through storage
  }
  RC_ASSERT(restored.pair.alice.record == original.pair.alice.record);
  RC_ASSERT(restored.pair.bob.record == original.pair.bob.record);
  // What the restored records hold, so that a run shows the interesting states were reached.
  bool skipped = false, archived = false;
  for (const auto* record : {&original.pair.alice.record, &original.pair.bob.record}) {
    archived = archived || !record->archived.empty();
    if (record->current) skipped = skipped || record->current->skipped.size() > 0;
    for (const auto& s : record->archived) skipped = skipped || s.skipped.size() > 0;
  }
  RC_TAG(skipped ? "skipped keys" : "no skipped keys",
         archived ? "archived sessions" : "no archived sessions");

  for (std::size_t i = split; i < ops.size(); ++i) {
    RC_ASSERT(step(restored, ops[i]) == step(original, ops[i]));
    RC_ASSERT(restored.pair.alice.record == original.pair.alice.record);
    RC_ASSERT(restored.pair.bob.record == original.pair.bob.record);
  }
}

}  // namespace
}  // namespace parley::testing
