// Blob transfers through the engine against the real router (spec §7.1, §12.3): chunked uploads and
// downloads, resumed after a dropped connection or a restarted device where the server's bytes or
// the sink end, an upload the server holds sending nothing, and a server that answers with other
// bytes, another size or a refusal stopping the transfer with a typed error.
#include <gtest/gtest.h>

#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "sim_network.h"

namespace parley::client {
namespace {

using core::Errc;
using testing::SimNetwork;

class MemorySource final : public BlobSource {
 public:
  explicit MemorySource(const core::Bytes& bytes) : bytes_(bytes) {}
  core::Result<core::Bytes> read(std::uint64_t offset, std::size_t length) override {
    if (offset + length > bytes_.size()) return core::make_error(Errc::storage_failure, "past the end");
    ++reads;
    return core::Bytes(bytes_.begin() + static_cast<std::ptrdiff_t>(offset),
                       bytes_.begin() + static_cast<std::ptrdiff_t>(offset + length));
  }
  std::size_t reads = 0;

 private:
  const core::Bytes& bytes_;
};

class MemorySink final : public BlobSink {
 public:
  std::uint64_t size() const override { return bytes.size(); }
  core::Result<void> append(core::BytesView data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
    return {};
  }
  core::Bytes bytes;
};

// Sees every blob frame; drops a device's uploads, or the server's blob data, past a count, and
// may change the server's answers.
class BlobTap final : public testing::Tap {
 public:
  std::vector<wire::Frame> from_device(const std::string&, wire::Frame frame) override {
    if (const auto* up = frame.get<wire::BlobUpload>()) {
      upload_offsets.push_back(up->offset);
      if (drop_uploads_after && upload_offsets.size() > *drop_uploads_after) return {};
    }
    if (frame.is<wire::BlobStatus>()) ++questions;
    return {std::move(frame)};
  }
  std::vector<wire::Frame> to_device(const std::string&, wire::Frame frame) override {
    if (auto* data = std::get_if<wire::BlobData>(&frame.body)) {
      data_offsets.push_back(data->offset);
      if (drop_data_after && data_offsets.size() > *drop_data_after) return {};
      if (shift_data) data->offset += 1;
    }
    if (auto* state = std::get_if<wire::BlobState>(&frame.body); state && lie_about_size) state->total_size += 1;
    return {std::move(frame)};
  }
  std::optional<std::size_t> drop_uploads_after, drop_data_after;
  bool shift_data = false, lie_about_size = false;
  std::vector<std::uint64_t> upload_offsets, data_offsets;
  std::size_t questions = 0;
};

core::Bytes random_bytes(std::size_t n, std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  core::Bytes out(n);
  EXPECT_TRUE(entropy.fill(out).ok());
  return out;
}

core::Bytes hash_of(const core::Bytes& bytes) {
  const auto digest = crypto::sha256(bytes);
  return {digest.begin(), digest.end()};
}

std::optional<BlobEvent> last_blob_event(const testing::SimDevice& d) {
  const auto events = d.events_of<BlobEvent>();
  if (events.empty()) return std::nullopt;
  return events.back();
}

server::MailboxAddress address(const testing::SimDevice& d) {
  const auto& id = d.engine->identity();
  return {server::AccountId{id.account}, server::DeviceId{id.device}, server::Incarnation{id.incarnation}};
}

class BlobTransferTest : public ::testing::Test {
 protected:
  BlobTransferTest() { net.set_tap(&tap); }
  // 3.5 chunks: a window of full chunks and a short last one.
  const core::Bytes blob = random_bytes(3 * kBlobChunk + kBlobChunk / 2, 7);
  const core::Bytes hash = hash_of(blob);
  SimNetwork net{{}, testing::DeviceStores::memory};
  BlobTap tap;

  void upload(const std::string& name) {
    auto source = std::make_shared<MemorySource>(blob);
    net.run(name, [&] { return net.device(name).engine->upload_blob(hash, blob.size(), source); });
  }
  // Bob's devices may read the blob: a send of Alice's names it (its ciphertext is not a message;
  // the engine reports that and the test does not look).
  void grant(const std::string& from, const std::string& to) {
    const auto& recipient = net.device(to).engine->identity();
    server::Send send{server::AccountId{net.device(from).engine->identity().account},
                      server::DeviceId{net.device(from).engine->identity().device}, server::ClientMessageId{77},
                      server::AccountId{recipient.account},
                      {{server::DeviceId{recipient.device}, server::Incarnation{recipient.incarnation}, core::Bytes(40, 1)}}};
    send.blob_refs = {hash};
    ASSERT_TRUE(net.server_store().commit_send(send).ok());
  }
};

TEST_F(BlobTransferTest, AnUploadGoesInChunksAndTheServerChecksIt) {
  auto& alice = net.register_account("alice");
  upload("alice");
  const auto end = last_blob_event(alice);
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(end->complete);
  EXPECT_FALSE(end->error.has_value());
  EXPECT_EQ(end->done, blob.size());
  EXPECT_EQ(tap.questions, 1u);
  EXPECT_EQ(tap.upload_offsets, (std::vector<std::uint64_t>{0, kBlobChunk, 2 * kBlobChunk, 3 * kBlobChunk}));
  const auto state = net.server_store().blob_state(hash, address(alice));
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->complete);
  // Progress only grows.
  std::uint64_t last = 0;
  for (const auto& e : alice.events_of<BlobEvent>()) {
    EXPECT_GE(e.done, last);
    last = e.done;
  }
  // The server holds it: a second upload (a forward) asks, and sends nothing.
  tap.upload_offsets.clear();
  upload("alice");
  EXPECT_TRUE(last_blob_event(alice)->complete);
  EXPECT_TRUE(tap.upload_offsets.empty());
  EXPECT_EQ(tap.questions, 2u);
}

TEST_F(BlobTransferTest, AnUploadBrokenOffByTheConnectionGoesOnWhereTheServersBytesEnd) {
  auto& alice = net.register_account("alice");
  tap.drop_uploads_after = 2;  // the connection goes quiet after two chunks
  upload("alice");
  EXPECT_FALSE(last_blob_event(alice)->complete);
  EXPECT_EQ(net.server_store().blob_state(hash, address(alice)).value().received, 2 * kBlobChunk);
  tap.drop_uploads_after.reset();
  tap.upload_offsets.clear();
  net.reconnect("alice");  // the login resumes it
  ASSERT_TRUE(last_blob_event(alice)->complete);
  EXPECT_EQ(tap.upload_offsets, (std::vector<std::uint64_t>{2 * kBlobChunk, 3 * kBlobChunk}));
  EXPECT_TRUE(net.server_store().blob_state(hash, address(alice)).value().complete);
}

TEST_F(BlobTransferTest, ARestartedDeviceAsksAndSendsOnlyTheRest) {
  auto& alice = net.register_account("alice");
  tap.drop_uploads_after = 1;
  upload("alice");
  tap.drop_uploads_after.reset();
  net.restart("alice");  // the transfer was in memory: gone, and started again by the application
  tap.upload_offsets.clear();
  upload("alice");
  ASSERT_TRUE(last_blob_event(net.device("alice"))->complete);
  EXPECT_EQ(tap.upload_offsets.front(), kBlobChunk);
  (void)alice;
}

TEST_F(BlobTransferTest, ADownloadResumesWhereItsSinkEndsAndTheRecipientsWordDeletesTheBlob) {
  auto& alice = net.register_account("alice");
  auto& bob = net.register_account("bob");
  upload("alice");
  grant("alice", "bob");
  net.settle();
  auto sink = std::make_shared<MemorySink>();
  tap.drop_data_after = 3;
  net.run("bob", [&] { return bob.engine->download_blob(hash, blob.size(), sink); });
  EXPECT_EQ(sink->bytes.size(), 3 * kBlobChunk);
  tap.drop_data_after.reset();
  tap.data_offsets.clear();
  net.reconnect("bob");
  const auto end = last_blob_event(bob);
  ASSERT_TRUE(end && end->complete) << (end && end->error ? core::to_string(*end->error) : "");
  EXPECT_FALSE(end->upload);
  EXPECT_EQ(tap.data_offsets, (std::vector<std::uint64_t>{3 * kBlobChunk}));
  EXPECT_EQ(sink->bytes, blob);
  // Bob has it: the server lets it go, for Alice too.
  net.run("bob", [&] { return bob.engine->blob_fetched(hash); });
  EXPECT_EQ(net.server_store().blob_state(hash, address(alice)).code(), Errc::not_found);
}

TEST_F(BlobTransferTest, ADeviceNotSentTheBlobHearsNotFound) {
  net.register_account("alice");
  auto& mallory = net.register_account("mallory");
  upload("alice");
  auto sink = std::make_shared<MemorySink>();
  net.run("mallory", [&] { return mallory.engine->download_blob(hash, blob.size(), sink); });
  const auto end = last_blob_event(mallory);
  ASSERT_TRUE(end && end->error);
  EXPECT_EQ(end->error->code, Errc::not_found);
  EXPECT_TRUE(sink->bytes.empty());
  EXPECT_FALSE(mallory.engine->transferring(hash));
}

// The server is not trusted with the bytes (spec §9): answers that are not what was asked stop the
// transfer with a typed error, and nothing of them reaches the sink.
TEST_F(BlobTransferTest, AServerAnsweringWithOtherBytesOrAnotherSizeStopsTheTransfer) {
  net.register_account("alice");
  auto& bob = net.register_account("bob");
  upload("alice");
  grant("alice", "bob");
  net.settle();
  auto sink = std::make_shared<MemorySink>();
  tap.shift_data = true;
  net.run("bob", [&] { return bob.engine->download_blob(hash, blob.size(), sink); });
  auto end = last_blob_event(bob);
  ASSERT_TRUE(end && end->error);
  EXPECT_EQ(end->error->code, Errc::malformed);
  EXPECT_TRUE(sink->bytes.empty());

  tap.shift_data = false;
  tap.lie_about_size = true;
  // Alice uploads it again (a forward): the server says it holds another size under the hash.
  auto& alice = net.device("alice");
  const auto source = std::make_shared<MemorySource>(blob);
  net.run("alice", [&] { return alice.engine->upload_blob(hash, blob.size(), source); });
  end = last_blob_event(alice);
  ASSERT_TRUE(end && end->error);
  EXPECT_EQ(end->error->code, Errc::conflict);
  EXPECT_EQ(source->reads, 0u);
}

TEST_F(BlobTransferTest, ABlobWithNoBytesOrAMalformedNameIsRefusedBeforeAnyFrame) {
  auto& alice = net.register_account("alice");
  const auto source = std::make_shared<MemorySource>(blob);
  net.run("alice", [&] { return alice.engine->upload_blob(hash, 0, source); });
  net.run("alice", [&] { return alice.engine->upload_blob(core::Bytes(31, 1), blob.size(), source); });
  const auto failures = alice.events_of<FailedEvent>();
  ASSERT_GE(failures.size(), 2u);
  EXPECT_EQ(failures[failures.size() - 2].error.code, Errc::malformed);
  EXPECT_EQ(failures.back().error.code, Errc::malformed);
  EXPECT_EQ(tap.questions, 0u);
}

}  // namespace
}  // namespace parley::client
