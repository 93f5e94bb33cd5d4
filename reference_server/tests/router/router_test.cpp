// The router (spec §7.2, §7.3) over the in-memory store, frame by frame: the limits it enforces at
// N and N + 1 (the delivery window, the approvals waiting for their companions, their lifetime, the
// size of the link messages it relays unread, and the rate limits), and the login rule that a
// replayed IK first message cannot use.
#include "parley/server/router/router.h"

#include <gtest/gtest.h>

#include <string>

#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"
#include "parley/crypto/xeddsa.h"
#include "parley/protocol/groups/membership_log.h"
#include "parley/server/store/memory_backend.h"

namespace parley::server {
namespace {

using core::Errc;

// Keys of the right sizes (the store checks sizes; the handler's signature checks are not used here:
// devices are made in the store directly).
DeviceKeys keys(std::uint32_t n) {
  core::Bytes identity(kIdentityKeySize, 0), noise(kNoiseStaticKeySize, 0);
  identity[0] = 0x05;
  for (int i = 0; i < 4; ++i) identity[1 + i] = noise[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return {identity, noise, n};
}

class RouterTest : public ::testing::Test {
 protected:
  explicit RouterTest(RouterSettings settings = {})
      : router(store, settings, metrics, [] { return std::chrono::steady_clock::time_point{}; }) {}

  TimestampMs now = 1'900'000'000'000;
  Store store = make_memory_store(StoreSettings{}, [this] { return now; });
  Metrics metrics;
  Router router;  // its steady clock stands still: no bucket refills during a test
  ConnectionId next = 1;

  // A new connection whose handshake proved `noise_key`, from `address`, claiming `claim`.
  ConnectionId open(const core::Bytes& noise_key, transport::channel::DeviceCredentials claim, const std::string& address = {},
                    std::vector<Outbound>* said = nullptr) {
    std::vector<ConnectionEvent> batch(1, ConnectionEvent{ConnectionEvent::Kind::opened, next});
    batch[0].noise_static_key = noise_key;
    batch[0].claim = claim;
    batch[0].address = address;
    auto out = router.process(batch);
    if (said != nullptr) *said = std::move(out);
    return next++;
  }
  // A connection of the device `record`, logged in by its claim; what the router said to it.
  ConnectionId connect(const DeviceRecord& record, std::vector<Outbound>* said = nullptr) {
    return open(record.keys.noise_static_key, {record.account.value, record.device.value}, {}, said);
  }
  std::vector<Outbound> send(ConnectionId id, std::uint32_t request_id, wire::FrameBody body) {
    std::vector<ConnectionEvent> batch(1, ConnectionEvent{ConnectionEvent::Kind::frame, id});
    batch[0].frame = wire::Frame{request_id, std::move(body)};
    return router.process(batch);
  }
  // Every frame the outputs carry for `id`, decoded.
  static std::vector<wire::Frame> frames_for(const std::vector<Outbound>& outs, ConnectionId id) {
    std::vector<wire::Frame> frames;
    for (const auto& o : outs)
      if (o.connection == id)
        for (const auto& f : o.frames) frames.push_back(wire::decode_frame(f).value());
    return frames;
  }
  template <typename T>
  static std::size_t count(const std::vector<wire::Frame>& frames) {
    return static_cast<std::size_t>(std::count_if(frames.begin(), frames.end(), [](const auto& f) { return f.template is<T>(); }));
  }
  // The answer to request `id` among `frames`: Ok, or the error frame's code.
  static std::optional<wire::ErrorCode> refusal(const std::vector<wire::Frame>& frames, std::uint32_t id) {
    for (const auto& f : frames)
      if (f.request_id == id) {
        if (const auto* e = f.get<wire::ErrorFrame>()) return e->code;
        return std::nullopt;
      }
    ADD_FAILURE() << "no answer to request " << id;
    return wire::ErrorCode::malformed;
  }
};

TEST_F(RouterTest, TheDeliveryWindowIsKMaxInFlight) {
  const auto alice = store.create_account(keys(1)).value();
  const auto bob = store.create_account(keys(2)).value();
  for (std::uint64_t i = 1; i <= kMaxInFlight + 1; ++i)
    ASSERT_TRUE(store.commit_send({alice.account, alice.device, ClientMessageId{i}, bob.account,
                                   {{bob.device, bob.incarnation, core::Bytes(4, 1)}}, false})
                    .ok());
  std::vector<Outbound> said;
  const auto c = connect(bob, &said);
  auto frames = frames_for(said, c);
  EXPECT_EQ(count<wire::Deliver>(frames), kMaxInFlight);  // the window is full: the last waits
  EXPECT_EQ(count<wire::QueueEmpty>(frames), 0u);
  const auto first = frames[1].get<wire::Deliver>()->server_id;  // frames[0] is loggedIn
  const auto second = frames[2].get<wire::Deliver>()->server_id;
  frames = frames_for(send(c, 0, wire::Ack{first}), c);
  EXPECT_EQ(count<wire::Deliver>(frames), 1u);  // one place free: the last one
  EXPECT_EQ(count<wire::QueueEmpty>(frames), 0u);  // it filled the place: the backlog may go on
  frames = frames_for(send(c, 0, wire::Ack{second}), c);
  EXPECT_EQ(count<wire::Deliver>(frames), 0u);
  EXPECT_EQ(count<wire::QueueEmpty>(frames), 1u);  // drained
}

TEST_F(RouterTest, PendingApprovalsAtNAndNPlusOne) {
  // kMaxPendingApprovals companions need that many over accounts of at most five devices.
  std::uint32_t n = 10;
  std::uint32_t approved = 0;
  std::uint32_t request = 1;
  while (approved <= kMaxPendingApprovals) {
    const auto primary = store.create_account(keys(n++)).value();
    const auto c = connect(primary);
    for (std::uint32_t d = 0; d < 4 && approved <= kMaxPendingApprovals; ++d) {
      const auto companion = store.link_device(primary.account, keys(n++)).value();
      const auto answer = refusal(frames_for(send(c, request, wire::LinkApproval{companion.device.value, core::Bytes(153, 1)}), c), request);
      ++request;
      ++approved;
      if (approved <= kMaxPendingApprovals) {
        EXPECT_FALSE(answer.has_value()) << approved;
      } else {
        EXPECT_EQ(answer, wire::ErrorCode::malformed);  // limit_exceeded travels as malformed
      }
    }
  }
}

TEST_F(RouterTest, AnApprovalLivesItsLifetime) {
  const auto primary = store.create_account(keys(1)).value();
  const auto at_lifetime = store.link_device(primary.account, keys(2)).value();
  const auto past_lifetime = store.link_device(primary.account, keys(3)).value();
  const auto c = connect(primary);
  const core::Bytes approval(153, 7);
  EXPECT_FALSE(refusal(frames_for(send(c, 1, wire::LinkApproval{at_lifetime.device.value, approval}), c), 1).has_value());
  now += 1;
  EXPECT_FALSE(refusal(frames_for(send(c, 2, wire::LinkApproval{past_lifetime.device.value, approval}), c), 2).has_value());
  now += kApprovalLifetimeMs - 1;  // the first is exactly kApprovalLifetimeMs old, the second one ms less
  // Each companion logs in by key (unregistered, claiming nothing) and asks.
  auto login = [&](const DeviceRecord& companion) {
    std::vector<ConnectionEvent> batch(1, ConnectionEvent{ConnectionEvent::Kind::opened, next});
    batch[0].noise_static_key = companion.keys.noise_static_key;
    router.process(batch);
    const auto id = next++;
    const auto frames = frames_for(send(id, 9, wire::Login{0, 0}), id);
    return frames.front().get<wire::LoggedIn>()->link_approval;
  };
  EXPECT_EQ(login(at_lifetime), approval);
  now += 2;  // the second is now one ms past its lifetime
  EXPECT_TRUE(login(past_lifetime).empty());
}

TEST_F(RouterTest, LinkMessagesAtNAndNPlusOne) {
  const auto primary = store.create_account(keys(1)).value();
  const auto companion = store.link_device(primary.account, keys(2)).value();
  const auto p = connect(primary);
  const auto c = connect(companion);
  EXPECT_FALSE(refusal(frames_for(send(p, 1, wire::LinkApproval{companion.device.value, core::Bytes(kMaxLinkMessageSize, 1)}), p), 1)
                   .has_value());
  EXPECT_EQ(refusal(frames_for(send(p, 2, wire::LinkApproval{companion.device.value, core::Bytes(kMaxLinkMessageSize + 1, 1)}), p), 2),
            wire::ErrorCode::malformed);
  const auto at = send(c, 3, wire::LinkConfirmation{0, core::Bytes(kMaxLinkMessageSize, 2)});
  EXPECT_FALSE(refusal(frames_for(at, c), 3).has_value());
  EXPECT_EQ(count<wire::LinkConfirmation>(frames_for(at, p)), 1u);  // relayed to the primary
  EXPECT_EQ(refusal(frames_for(send(c, 4, wire::LinkConfirmation{0, core::Bytes(kMaxLinkMessageSize + 1, 2)}), c), 4),
            wire::ErrorCode::malformed);
}

// IK's first message can be replayed (spec §7.2): a claim from one logs the device in only at the
// session's first frame, which only the real client can send, and until then the live connection
// is left alone.
TEST_F(RouterTest, AReplayedIkLoginEvictsNoLiveConnection) {
  const auto alice = store.create_account(keys(1)).value();
  const auto live = connect(alice);
  std::vector<ConnectionEvent> batch(1, ConnectionEvent{ConnectionEvent::Kind::opened, next});
  batch[0].noise_static_key = alice.keys.noise_static_key;
  batch[0].claim = {alice.account.value, alice.device.value};
  batch[0].replayable = true;  // what `open` does, from a handshake that could be a replay
  const auto replay = next++;
  const auto opened = router.process(batch);
  EXPECT_EQ(count<wire::LoggedIn>(frames_for(opened, replay)), 0u);
  for (const auto& o : opened) EXPECT_FALSE(o.connection == live && o.close.has_value());
  EXPECT_EQ(router.connections(), 2u);
  // The client itself speaks: now it is the device's connection, and the older one goes.
  const auto spoke = send(replay, 1, wire::Login{alice.account.value, alice.device.value});
  EXPECT_GE(count<wire::LoggedIn>(frames_for(spoke, replay)), 1u);
  EXPECT_TRUE(std::any_of(spoke.begin(), spoke.end(), [&](const Outbound& o) { return o.connection == live && o.close.has_value(); }));
}

// A router whose rate limits are small enough to reach in a test.
class LimitedRouterTest : public RouterTest {
 protected:
  static RouterSettings limits() {
    RouterSettings s;
    s.registrations_per_second_per_address = 2;  // a burst of 4
    s.prekey_fetches_per_second_per_device = 2;  // a burst of 4
    s.prekey_fetches_per_second_per_account = 3;  // a burst of 6
    return s;
  }
  LimitedRouterTest() : RouterTest(limits()) {}

  // The answer to request `request_id` on connection `id` after `out`: nothing for success, or the
  // error's code.
  static std::optional<wire::ErrorCode> answer(const std::vector<Outbound>& out, ConnectionId id, std::uint32_t request_id) {
    return refusal(frames_for(out, id), request_id);
  }
};

// Registrations per address (spec §7.4): the burst (twice the rate) is taken, one more is not; another
// address is not affected.
TEST_F(LimitedRouterTest, RegistrationsPerAddressAtNAndNPlusOne) {
  crypto::StreamEntropy entropy(3);
  auto register_from = [&](const std::string& address) {
    const auto identity = crypto::generate_x25519_key_pair(entropy).value();
    const auto noise = crypto::generate_x25519_key_pair(entropy).value();
    const auto signature = crypto::xeddsa_sign(identity.private_key, noise.public_key, entropy).value();
    const core::Bytes noise_key(noise.public_key.begin(), noise.public_key.end());
    const auto id = open(noise_key, {}, address);
    return answer(send(id, 1, wire::Register{{crypto::serialize_public_key(identity.public_key), noise_key,
                                              core::Bytes(signature.begin(), signature.end()), 7}}),
                  id, 1);
  };
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(register_from("10.0.0.1").has_value()) << i;
  EXPECT_EQ(register_from("10.0.0.1"), wire::ErrorCode::rate_limited);
  EXPECT_FALSE(register_from("10.0.0.2").has_value());
}

// Bundle fetches (spec §7.4): per requesting device, and per fetched account from all requesters.
TEST_F(LimitedRouterTest, PrekeyFetchesAtNAndNPlusOne) {
  const auto target = store.create_account(keys(1)).value();
  const auto first = store.create_account(keys(2)).value();
  const auto second = store.create_account(keys(3)).value();
  const auto a = connect(first), b = connect(second);
  auto fetch = [&](ConnectionId id, AccountId account) { return answer(send(id, 5, wire::FetchPreKeys{account.value}), id, 5); };
  // The first asker: its own burst of 4.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(fetch(a, target.account).has_value()) << i;
  EXPECT_EQ(fetch(a, target.account), wire::ErrorCode::rate_limited);
  // The second: the account's burst of 6 has 2 left (the refused fetch took none of it).
  EXPECT_FALSE(fetch(b, target.account).has_value());
  EXPECT_FALSE(fetch(b, target.account).has_value());
  EXPECT_EQ(fetch(b, target.account), wire::ErrorCode::rate_limited);
  // Another account is not the target's bucket.
  EXPECT_FALSE(fetch(b, first.account).has_value());
}

// Buckets only for accounts that exist (spec §7.2): sends and fetches naming made-up accounts make
// the router hold nothing more.
TEST_F(RouterTest, RateBucketsAreForExistingAccountsOnly) {
  const auto alice = store.create_account(keys(1)).value();
  const auto c = connect(alice);
  const auto before = router.rate_buckets();
  for (std::uint64_t made_up = 1000; made_up < 1100; ++made_up) {
    send(c, 1, wire::FetchPreKeys{made_up});
    send(c, 2, wire::Send{made_up, made_up, {{1, 1, core::Bytes(8, 1)}}, 0});
  }
  EXPECT_EQ(router.rate_buckets(), before);
  send(c, 3, wire::FetchPreKeys{alice.account.value});
  EXPECT_EQ(router.rate_buckets(), before + 1);
}

// The resume question of spec §7.1: after a broken-off upload a device asks where the server's
// bytes end, continues there, and learns when the blob is complete; unknown blobs are notFound,
// a malformed hash is malformed, and a device not logged in is refused.
TEST_F(RouterTest, AnUploadResumesWhereBlobStatusSaysTheBytesEnd) {
  const auto alice = store.create_account(keys(1)).value();
  const auto c = connect(alice);
  const core::Bytes blob(3000, 0x5a);
  const auto digest = crypto::sha256(blob);
  const core::Bytes hash(digest.begin(), digest.end());

  EXPECT_EQ(refusal(frames_for(send(c, 1, wire::BlobStatus{hash}), c), 1), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(c, 2, wire::BlobUpload{hash, 0, blob.size(), core::Bytes(blob.begin(), blob.begin() + 1234)}), c), 2),
            std::nullopt);
  auto frames = frames_for(send(c, 3, wire::BlobStatus{hash}), c);
  ASSERT_EQ(frames.size(), 1u);
  const auto* state = frames[0].get<wire::BlobState>();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(*state, (wire::BlobState{hash, blob.size(), 1234, false}));
  send(c, 4, wire::BlobUpload{hash, state->received, blob.size(), core::Bytes(blob.begin() + 1234, blob.end())});
  frames = frames_for(send(c, 5, wire::BlobStatus{hash}), c);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(*frames[0].get<wire::BlobState>(), (wire::BlobState{hash, blob.size(), blob.size(), true}));

  EXPECT_EQ(refusal(frames_for(send(c, 6, wire::BlobStatus{core::Bytes(31, 1)}), c), 6), wire::ErrorCode::malformed);
  // A device may not send the server's answer.
  EXPECT_EQ(refusal(frames_for(send(c, 7, wire::BlobState{hash, 1, 1, true}), c), 7), wire::ErrorCode::malformed);
  const auto stranger = open(core::Bytes(kNoiseStaticKeySize, 9), {});
  EXPECT_EQ(refusal(frames_for(send(stranger, 8, wire::BlobStatus{hash}), stranger), 8), wire::ErrorCode::unauthorized);
}

// A blob's life through the frames (spec §7.1): the uploader's send names it, so its recipient
// downloads it and nobody else can; the recipient's blobFetched deletes it.
TEST_F(RouterTest, OnlyTheDevicesASendNamedABlobToDownloadItAndTheirWordDeletesIt) {
  const auto alice = store.create_account(keys(1)).value();
  const auto bob = store.create_account(keys(2)).value();
  const auto mallory = store.create_account(keys(3)).value();
  const auto a = connect(alice), b = connect(bob), m = connect(mallory);
  const core::Bytes blob(5000, 0x3c);
  const auto digest = crypto::sha256(blob);
  const core::Bytes hash(digest.begin(), digest.end());
  const auto download = [&](ConnectionId c, std::uint32_t request) {
    return frames_for(send(c, request, wire::BlobDownload{hash, 0, blob.size()}), c);
  };
  ASSERT_EQ(refusal(frames_for(send(a, 1, wire::BlobUpload{hash, 0, blob.size(), blob}), a), 1), std::nullopt);
  EXPECT_EQ(refusal(download(b, 2), 2), wire::ErrorCode::not_found);
  // Mallory knows the hash: she can neither read the blob, nor upload into it, nor name it.
  EXPECT_EQ(refusal(download(m, 3), 3), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(m, 4, wire::BlobStatus{hash}), m), 4), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(m, 5, wire::BlobUpload{hash, 0, blob.size(), blob}), m), 5), wire::ErrorCode::conflict);
  EXPECT_EQ(refusal(frames_for(send(m, 6, wire::Send{1, bob.account.value, {{1, bob.incarnation.value, core::Bytes(8, 1)}}, 0, {hash}}), m), 6),
            wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(download(b, 7), 7), wire::ErrorCode::not_found);
  // Alice's send names it.
  const auto sent = frames_for(send(a, 8, wire::Send{1, bob.account.value, {{1, bob.incarnation.value, core::Bytes(8, 2)}}, 0, {hash}}), a);
  EXPECT_EQ(count<wire::SendAck>(sent), 1u);
  const auto got = download(b, 9);
  ASSERT_EQ(count<wire::BlobData>(got), 1u);
  for (const auto& f : got) {
    if (const auto* data = f.get<wire::BlobData>()) {
      EXPECT_EQ(data->data, blob);
    }
  }
  EXPECT_EQ(refusal(download(m, 10), 10), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(m, 11, wire::BlobFetched{hash}), m), 11), wire::ErrorCode::not_found);
  // Bob has it: the blob goes, for Alice too.
  EXPECT_EQ(refusal(frames_for(send(b, 12, wire::BlobFetched{hash}), b), 12), std::nullopt);
  EXPECT_EQ(refusal(download(b, 13), 13), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(a, 14, wire::BlobStatus{hash}), a), 14), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(b, 15, wire::BlobFetched{core::Bytes(31, 1)}), b), 15), wire::ErrorCode::malformed);
  const auto stranger = open(core::Bytes(kNoiseStaticKeySize, 9), {});
  EXPECT_EQ(refusal(frames_for(send(stranger, 16, wire::BlobFetched{hash}), stranger), 16), wire::ErrorCode::unauthorized);
}

}  // namespace
// A group's log through the frames (spec §11.2): its author's device appends, any logged-in device
// that knows the id fetches, a device that is not the entry's author cannot append it, a device
// may not send the server's answer, and nothing is served before login.
TEST_F(RouterTest, AGroupsLogIsAppendedByItsAuthorAndFetchedByAnyDevice) {
  const auto alice = store.create_account(keys(1)).value();
  const auto bob = store.create_account(keys(2)).value();
  const auto a = connect(alice), b = connect(bob);
  crypto::StreamEntropy entropy(4);
  const auto key = crypto::generate_x25519_key_pair(entropy).value();
  protocol::groups::GroupMembership none;
  none.group.fill(5);
  const core::Bytes group(16, 5);
  const auto creation = protocol::groups::sign_membership_entry(
      protocol::groups::next_membership_entry(none, protocol::groups::MembershipChange::create, alice.account.value,
                                              alice.device.value, key.public_key, {bob.account.value}, "g", 1),
      key, std::nullopt, entropy).value();
  EXPECT_EQ(refusal(frames_for(send(b, 1, wire::GroupLogAppend{group, creation}), b), 1), wire::ErrorCode::unauthorized);
  EXPECT_EQ(refusal(frames_for(send(b, 2, wire::GroupLogFetch{group, 1}), b), 2), wire::ErrorCode::not_found);
  EXPECT_EQ(refusal(frames_for(send(a, 3, wire::GroupLogAppend{group, creation}), a), 3), std::nullopt);
  EXPECT_EQ(refusal(frames_for(send(a, 4, wire::GroupLogAppend{group, creation}), a), 4), wire::ErrorCode::conflict);
  const auto frames = frames_for(send(b, 5, wire::GroupLogFetch{group, 1}), b);
  ASSERT_EQ(frames.size(), 1u);
  const auto* log = frames[0].get<wire::GroupLog>();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(*log, (wire::GroupLog{group, 1, {creation}, false}));
  EXPECT_EQ(refusal(frames_for(send(b, 6, *log), b), 6), wire::ErrorCode::malformed);
  const auto stranger = open(core::Bytes(kNoiseStaticKeySize, 9), {});
  EXPECT_EQ(refusal(frames_for(send(stranger, 7, wire::GroupLogFetch{group, 1}), stranger), 7),
            wire::ErrorCode::unauthorized);
}

}  // namespace parley::server
