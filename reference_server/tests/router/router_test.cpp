// The router (spec §7.2, §7.3) over the in-memory store, frame by frame: the limits it enforces at
// N and N + 1 (the delivery window, the approvals waiting for their companions, their lifetime, and
// the size of the link messages it relays unread).
#include "parley/server/router/router.h"

#include <gtest/gtest.h>

#include <string>

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
  TimestampMs now = 1'900'000'000'000;
  Store store = make_memory_store(StoreSettings{}, [this] { return now; });
  Metrics metrics;
  Router router{store, {}, metrics};
  ConnectionId next = 1;

  // A connection of the device `record`, logged in by its claim; what the router said to it.
  ConnectionId connect(const DeviceRecord& record, std::vector<Outbound>* said = nullptr) {
    std::vector<ConnectionEvent> batch(1, ConnectionEvent{ConnectionEvent::Kind::opened, next});
    batch[0].noise_static_key = record.keys.noise_static_key;
    batch[0].claim = {record.account.value, record.device.value};
    auto out = router.process(batch);
    if (said != nullptr) *said = std::move(out);
    return next++;
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

}  // namespace
}  // namespace parley::server
