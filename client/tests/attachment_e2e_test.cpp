// Attachments through the real parley-server over 127.0.0.1 (spec §7.1, §12): a file sent by Alice
// arrives at Bob with the same bytes; an upload and a download broken off by the server being killed
// (SIGKILL) go on after it restarts and end with the right hash; a blob altered on the server's disk
// is refused by the recipient with nothing saved; a device that was not sent the blob cannot fetch it;
// a send broken off with its client goes on with the same upload in the next one; a forward reuses
// the upload while the server holds it and makes it again from the file after.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "net_fixture.h"  // transport/net/tests
#include "parley/client/client.h"
#include "parley/crypto/entropy.h"
#include "parley/core/hex.h"
#include "parley/crypto/hash.h"
#include "server_process.h"  // reference_server/tests/server

namespace parley::client {
namespace {

using server::testing::ServerProcess;
using transport::net::testing::run;
namespace net = transport::net;
using core::Errc;

std::filesystem::path scratch(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("parley-attach-e2e-" + std::to_string(::getpid()) + "-" + name);
}

core::Bytes file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return core::Bytes(std::istreambuf_iterator<char>(in), {});
}

std::filesystem::path write_random_file(const std::string& name, std::size_t size, std::uint64_t seed) {
  crypto::StreamEntropy entropy(seed);
  core::Bytes bytes(size);
  EXPECT_TRUE(entropy.fill(bytes).ok());
  const auto path = scratch(name);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

crypto::Sha256Digest digest(const std::filesystem::path& file) { return crypto::sha256(file_bytes(file)); }

// Two fresh accounts on `server`, connected.
struct Pair {
  std::unique_ptr<Client> alice, bob;
  std::uint64_t a = 0, b = 0;
};

class AttachmentEndToEnd : public ::testing::Test {
 protected:
  ~AttachmentEndToEnd() override {
    for (const auto& n : {"alice", "bob", "carol", "dave", "mallory", "doc.bin", "big.bin", "saved.bin", "other.bin"})
      std::filesystem::remove_all(scratch(n));
  }
  ServerProcess server;
  net::tcp::endpoint at() const { return {net::asio::ip::make_address("127.0.0.1"), server.port()}; }

  asio::awaitable<core::Result<Pair>> connect_pair() {
    Pair p;
    p.alice = Client::open(scratch("alice"), server.public_key()).value();
    p.bob = Client::open(scratch("bob"), server.public_key()).value();
    if (auto c = co_await p.alice->connect(at()); !c.ok()) co_return c.error();
    if (auto c = co_await p.bob->connect(at()); !c.ok()) co_return c.error();
    p.a = p.alice->identity().account;
    p.b = p.bob->identity().account;
    co_return p;
  }
};

TEST_F(AttachmentEndToEnd, AFileReachesBobWithTheSameBytesAndMalloryCannotFetchIt) {
  const auto original = write_random_file("doc.bin", 2'500'000, 1);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto pair = co_await connect_pair();
    CO_ASSERT(pair.ok());
    auto& [alice, bob, a, b] = *pair;
    std::vector<BlobEvent> progress;
    auto sent = co_await alice->send_file(b, original, "document", "the report", [&](const BlobEvent& e) { progress.push_back(e); });
    CO_ASSERT(sent.ok());
    CO_ASSERT(!progress.empty());
    EXPECT_TRUE(progress.back().complete);
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    const auto& message = at_bob->front();
    CO_ASSERT(!message.media.empty());
    const auto media = wire::decode_media(message.media).value();
    EXPECT_EQ(media.caption, "the report");
    EXPECT_EQ(media.file_name, "parley-attach-e2e-" + std::to_string(::getpid()) + "-doc.bin");
    EXPECT_EQ(media.file_length, 2'500'000u);

    // Mallory knows the hash (say Bob leaked the message) but was not sent the blob.
    auto mallory = Client::open(scratch("mallory"), server.public_key()).value();
    CO_ASSERT((co_await mallory->connect(at())).ok());
    auto stolen = co_await mallory->save_attachment(message, scratch("mallory") / "stolen.bin");
    CO_ASSERT(!stolen.ok());
    EXPECT_EQ(stolen.code(), Errc::not_found);
    EXPECT_FALSE(std::filesystem::exists(scratch("mallory") / "stolen.bin"));

    auto saved = co_await bob->save_attachment(message);
    CO_ASSERT(saved.ok());
    EXPECT_EQ(saved->parent_path(), bob->media_dir());
    EXPECT_EQ(digest(*saved), digest(original));
    EXPECT_EQ(std::filesystem::status(*saved).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    // Bob said he has it, and he was its only recipient: the server deleted it.
    auto again = co_await bob->save_attachment(message, scratch("saved.bin"));
    CO_ASSERT(!again.ok());
    EXPECT_EQ(again.code(), Errc::not_found);
    co_await mallory->close();
    co_await alice->close();
    co_await bob->close();
  }());
}

TEST_F(AttachmentEndToEnd, AnUploadAndADownloadBrokenOffByAKilledServerGoOnAfterItRestarts) {
  const auto original = write_random_file("big.bin", 9 * 1024 * 1024 + 123, 2);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto pair = co_await connect_pair();
    CO_ASSERT(pair.ok());
    auto& [alice, bob, a, b] = *pair;
    auto prepared = alice->prepare_file(original, "video", "");
    CO_ASSERT(prepared.ok());
    EXPECT_FALSE(prepared->media.streaming_sidecar.empty());  // video streams
    // The server dies once 3 MiB are in.
    bool killed = false;
    std::vector<std::uint64_t> done;
    const auto kill_midway = [&](const BlobEvent& e) {
      done.push_back(e.done);
      if (!killed && e.done >= 3 * kBlobChunk && !e.complete) {
        killed = true;
        server.kill_and_restart();
      }
    };
    auto first = co_await alice->send_attachment(b, *prepared, kill_midway);
    CO_ASSERT(!first.ok());
    CO_ASSERT(killed);
    const auto before = done.back();
    done.clear();
    CO_ASSERT((co_await alice->connect(at())).ok());
    auto sent = co_await alice->send_attachment(b, *prepared, kill_midway);
    CO_ASSERT(sent.ok());
    // It went on where the server's bytes ended: never back to the start.
    CO_ASSERT(!done.empty());
    EXPECT_GE(done.front(), before);
    EXPECT_GE(done.front(), 3 * kBlobChunk);

    CO_ASSERT((co_await bob->connect(at())).ok());
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    const auto message = at_bob->front();
    killed = false;
    done.clear();
    auto broken = co_await bob->save_attachment(message, scratch("saved.bin"), kill_midway);
    CO_ASSERT(!broken.ok());
    CO_ASSERT(killed);
    EXPECT_FALSE(std::filesystem::exists(scratch("saved.bin")));
    done.clear();
    CO_ASSERT((co_await bob->connect(at())).ok());
    auto saved = co_await bob->save_attachment(message, scratch("saved.bin"), kill_midway);
    CO_ASSERT(saved.ok());
    CO_ASSERT(!done.empty());
    EXPECT_GE(done.front(), 3 * kBlobChunk);  // from where the partial file ended
    EXPECT_EQ(digest(scratch("saved.bin")), digest(original));
    co_await alice->close();
    co_await bob->close();
  }());
}

// The server is not trusted with the bytes (spec §9): one flipped byte in its copy and the recipient
// saves nothing.
TEST_F(AttachmentEndToEnd, ABlobAlteredOnTheServersDiskIsRefusedAndNothingIsSaved) {
  const auto original = write_random_file("doc.bin", 300'000, 3);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto pair = co_await connect_pair();
    CO_ASSERT(pair.ok());
    auto& [alice, bob, a, b] = *pair;
    CO_ASSERT((co_await alice->send_file(b, original, "document", "")).ok());
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    // Flip a byte in the middle of the stored blob, behind the server's back.
    server.stop(SIGKILL);
    {
      sqlite3* db = nullptr;
      CO_ASSERT(sqlite3_open((server.data() / "parley.sqlite3").c_str(), &db) == SQLITE_OK);
      sqlite3_stmt* read = nullptr;
      CO_ASSERT(sqlite3_prepare_v2(db, "SELECT data FROM blob_pieces WHERE piece_offset = 0", -1, &read, nullptr) == SQLITE_OK);
      CO_ASSERT(sqlite3_step(read) == SQLITE_ROW);
      const auto* stored = static_cast<const std::uint8_t*>(sqlite3_column_blob(read, 0));
      core::Bytes altered(stored, stored + sqlite3_column_bytes(read, 0));
      sqlite3_finalize(read);
      CO_ASSERT(altered.size() > 1000);
      altered[1000] ^= 0x01;
      sqlite3_stmt* write = nullptr;
      CO_ASSERT(sqlite3_prepare_v2(db, "UPDATE blob_pieces SET data = ? WHERE piece_offset = 0", -1, &write, nullptr) == SQLITE_OK);
      sqlite3_bind_blob(write, 1, altered.data(), static_cast<int>(altered.size()), SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(write), SQLITE_DONE);
      sqlite3_finalize(write);
      EXPECT_EQ(sqlite3_changes(db), 1);
      sqlite3_close(db);
    }
    server.kill_and_restart();
    CO_ASSERT((co_await bob->connect(at())).ok());
    auto saved = co_await bob->save_attachment(at_bob->front(), scratch("saved.bin"));
    CO_ASSERT(!saved.ok());
    EXPECT_EQ(saved.code(), Errc::decrypt_failed) << core::to_string(saved.error());
    EXPECT_FALSE(std::filesystem::exists(scratch("saved.bin")));
    co_await alice->close();
    co_await bob->close();
  }());
}

// `parley send --file` killed during its upload and run again (spec §12.3): the new client finds the
// attachment prepared by the old one, with the same key, and goes on where the server's bytes end.
TEST_F(AttachmentEndToEnd, ASendBrokenOffWithItsClientGoesOnWithTheSameUploadInTheNext) {
  const auto original = write_random_file("big.bin", 5 * 1024 * 1024 + 7, 4);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto pair = co_await connect_pair();
    CO_ASSERT(pair.ok());
    auto& [alice, bob, a, b] = *pair;
    bool killed = false;
    std::vector<std::uint64_t> done;
    const auto break_off = [&](const BlobEvent& e) {
      done.push_back(e.done);
      if (!killed && e.done >= 2 * kBlobChunk && !e.complete) {
        killed = true;
        server.kill_and_restart();  // the connection drops; then the client is gone too
      }
    };
    auto first = co_await alice->send_file(b, original, "document", "take two", break_off);
    CO_ASSERT(!first.ok());
    CO_ASSERT(killed);
    const auto key_before = alice->prepare_file(original, "document", "take two").value().media.media_key;
    alice.reset();

    alice = Client::open(scratch("alice"), server.public_key()).value();
    CO_ASSERT((co_await alice->connect(at())).ok());
    auto again = alice->prepare_file(original, "document", "take two");
    CO_ASSERT(again.ok());
    EXPECT_EQ(again->media.media_key, key_before);  // the same attachment, not a new key
    // Another caption or type is another message: prepared afresh.
    EXPECT_NE(alice->prepare_file(original, "document", "other").value().media.media_key, key_before);
    done.clear();
    auto sent = co_await alice->send_file(b, original, "document", "take two", break_off);
    CO_ASSERT(sent.ok());
    CO_ASSERT(!done.empty());
    EXPECT_GE(done.front(), 2 * kBlobChunk);  // went on, not from the start
    // Sent: its upload and record are gone, and the same file is a new attachment next time.
    EXPECT_FALSE(std::filesystem::exists(alice->media_dir() / (core::to_hex(again->media.file_enc_sha256) + ".pending")));
    EXPECT_FALSE(std::filesystem::exists(again->upload));
    EXPECT_NE(alice->prepare_file(original, "document", "take two").value().media.media_key, key_before);

    CO_ASSERT((co_await bob->connect(at())).ok());
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    auto saved = co_await bob->save_attachment(at_bob->back(), scratch("saved.bin"));
    CO_ASSERT(saved.ok());
    EXPECT_EQ(digest(scratch("saved.bin")), digest(original));
    co_await alice->close();
    co_await bob->close();
  }());
}

// A forward (spec §7.1): while the server holds the blob, the forwarder's grant passes it on and
// nothing is uploaded; once every recipient fetched it and it is gone, the forwarder makes the same
// upload again from the file (the media key fixes the ciphertext) and only from that file.
TEST_F(AttachmentEndToEnd, AForwardReusesTheUploadWhileTheServerHoldsItAndUploadsItAgainAfter) {
  const auto original = write_random_file("doc.bin", 2'500'000, 5);
  const auto other = write_random_file("other.bin", 2'500'000, 6);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto pair = co_await connect_pair();
    CO_ASSERT(pair.ok());
    auto& [alice, bob, a, b] = *pair;
    auto carol = Client::open(scratch("carol"), server.public_key()).value();
    auto dave = Client::open(scratch("dave"), server.public_key()).value();
    CO_ASSERT((co_await carol->connect(at())).ok());
    CO_ASSERT((co_await dave->connect(at())).ok());
    const auto c = carol->identity().account, d = dave->identity().account;

    CO_ASSERT((co_await alice->send_file(b, original, "document", "minutes")).ok());
    auto at_bob = co_await bob->wait_for_messages(a, 1, std::chrono::seconds(10));
    CO_ASSERT(at_bob.ok());
    std::vector<BlobEvent> progress;
    auto forwarded = co_await bob->forward_attachment(c, at_bob->front(), std::nullopt,
                                                      [&](const BlobEvent& e) { progress.push_back(e); });
    CO_ASSERT(forwarded.ok());
    for (const auto& e : progress) EXPECT_EQ(e.done, e.total) << "a forward of a blob the server holds uploaded bytes";

    auto at_carol = co_await carol->wait_for_messages(b, 1, std::chrono::seconds(10));
    CO_ASSERT(at_carol.ok());
    const auto carol_copy = scratch("carol") / "minutes.bin";
    CO_ASSERT((co_await carol->save_attachment(at_carol->front(), carol_copy)).ok());
    CO_ASSERT((co_await bob->save_attachment(at_bob->front(), scratch("saved.bin"))).ok());
    EXPECT_EQ(digest(carol_copy), digest(original));

    // Both recipients said they have it: the server deleted it. Carol forwards it to Dave.
    auto without_file = co_await carol->forward_attachment(d, at_carol->front());
    CO_ASSERT(!without_file.ok());
    EXPECT_EQ(without_file.code(), Errc::not_found);
    auto wrong_file = co_await carol->forward_attachment(d, at_carol->front(), other);
    CO_ASSERT(!wrong_file.ok());
    EXPECT_EQ(wrong_file.code(), Errc::malformed);
    progress.clear();
    auto uploaded_again = co_await carol->forward_attachment(d, at_carol->front(), carol_copy,
                                                             [&](const BlobEvent& e) { progress.push_back(e); });
    CO_ASSERT(uploaded_again.ok());
    CO_ASSERT(!progress.empty());
    EXPECT_LT(progress.front().done, progress.front().total);  // uploaded this time
    auto at_dave = co_await dave->wait_for_messages(c, 1, std::chrono::seconds(10));
    CO_ASSERT(at_dave.ok());
    const auto media = wire::decode_media(at_dave->front().media).value();
    EXPECT_EQ(media.caption, "minutes");
    EXPECT_EQ(media.media_key, wire::decode_media(at_bob->front().media).value().media_key);
    CO_ASSERT((co_await dave->save_attachment(at_dave->front(), scratch("dave") / "minutes.bin")).ok());
    EXPECT_EQ(digest(scratch("dave") / "minutes.bin"), digest(original));
    for (auto* client : {alice.get(), bob.get(), carol.get(), dave.get()}) co_await client->close();
  }());
}

}  // namespace
}  // namespace parley::client
