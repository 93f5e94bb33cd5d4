// The blob store behind the router (spec §7.1): three logged-in devices of three accounts send
// upload chunks, range downloads, resume questions, blobFetched and sends that name blobs, with
// fuzzed offsets, lengths, sizes and bytes, over four blobs of sizes around the block and piece
// boundaries. Layout: a sequence of 8-byte operations
// [kind][device][blob][offset hi][offset lo][length hi][length lo][flags].
// Properties: never a crash; every frame out decodes; every byte a download returns is the blob's
// own byte at that offset (a blob completes only with its hash checked); a device is never handed
// bytes of a blob it neither uploaded into nor was sent by a committed send (spec §9); the store
// answers afterwards.
#include <array>
#include <cstddef>
#include <cstdint>
#include <set>

#include "check.h"
#include "device_keys.h"
#include "parley/crypto/entropy.h"
#include "parley/crypto/hash.h"
#include "parley/crypto/x25519.h"
#include "parley/server/router/router.h"
#include "parley/server/store/memory_backend.h"

namespace {

using namespace parley;
using namespace parley::server;

constexpr std::size_t kDevices = 3;
constexpr std::array<std::size_t, 4> kSizes = {1, 16, 4097, 70'000};

struct Blob {
  core::Bytes bytes;
  core::Bytes hash;
};

const std::array<Blob, kSizes.size()>& blobs() {
  static const auto table = [] {
    std::array<Blob, kSizes.size()> out;
    for (std::size_t i = 0; i < kSizes.size(); ++i) {
      out[i].bytes.resize(kSizes[i]);
      for (std::size_t j = 0; j < kSizes[i]; ++j) out[i].bytes[j] = static_cast<std::uint8_t>(j * 31 + i * 7 + (j >> 8));
      const auto digest = crypto::sha256(out[i].bytes);
      out[i].hash.assign(digest.begin(), digest.end());
    }
    return out;
  }();
  return table;
}

// A position in [0, size] from 16 fuzzed bits (the end included), or past it when `past` is set.
std::uint64_t scaled(std::uint8_t hi, std::uint8_t lo, std::size_t size, bool past) {
  const std::uint64_t v = (std::uint64_t{hi} << 8) | lo;
  return past ? size + 1 + v : v * size / 0xffff;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TimestampMs now = 1'700'000'000'000;
  StoreSettings settings;
  settings.max_blob_bytes_per_account = 72'000;  // reachable: the two larger blobs together pass it
  settings.max_blob_read = 40'000;
  Store store = make_memory_store(settings, [&now] { return now++; });
  std::array<DeviceRecord, kDevices> devices;
  for (std::size_t i = 0; i < kDevices; ++i) devices[i] = store.create_account(fuzz::device_keys(i + 1)).value();

  Metrics metrics;
  std::chrono::steady_clock::time_point steady{};
  Router router(store, {}, metrics, [&steady] { return steady += std::chrono::seconds(10); });
  std::vector<ConnectionEvent> batch;
  for (std::size_t i = 0; i < kDevices; ++i) {
    ConnectionEvent open{ConnectionEvent::Kind::opened, i + 1};
    open.noise_static_key = devices[i].keys.noise_static_key;
    open.claim = {devices[i].account.value, devices[i].device.value};
    batch.push_back(open);
  }
  // What each device may have been given: blobs it sent a chunk of that was accepted, and blobs a
  // committed send named to it. Bigger than the truth (a grant is lost with a deleted blob), never smaller.
  std::array<std::set<std::size_t>, kDevices> may_read;
  std::uint64_t next_message = 1;
  const auto run = [&](std::vector<ConnectionEvent> events) {
    const auto outputs = router.process(events);
    std::vector<std::pair<std::size_t, wire::Frame>> frames;
    for (const auto& out : outputs)
      for (const auto& f : out.frames) {
        auto frame = wire::decode_frame(f);
        PARLEY_FUZZ_CHECK(frame.ok());
        PARLEY_FUZZ_CHECK(out.connection >= 1 && out.connection <= kDevices);
        frames.emplace_back(out.connection - 1, std::move(*frame));
      }
    return frames;
  };
  run(batch);
  PARLEY_FUZZ_CHECK(router.connections() == kDevices);

  for (std::size_t at = 0; at + 8 <= size; at += 8) {
    const std::uint8_t* op = data + at;
    const std::size_t who = op[1] % kDevices;
    const std::size_t which = op[2] % kSizes.size();
    const Blob& blob = blobs()[which];
    const bool past = (op[7] & 0x80) != 0;
    const std::uint64_t offset = scaled(op[3], op[4], blob.bytes.size(), past);
    const std::uint64_t length = scaled(op[5], op[6], blob.bytes.size(), false);
    core::Bytes hash = blob.hash;
    if (op[7] & 0x40) hash.resize(op[7] & 0x1f);  // a malformed reference
    wire::FrameBody body = wire::Ok{};
    switch (op[0] % 5) {
      case 0: {  // an upload chunk: the blob's bytes, or altered ones, under its size or another
        const std::uint64_t from = std::min<std::uint64_t>(offset, blob.bytes.size());
        const std::uint64_t to = std::min<std::uint64_t>(from + length, blob.bytes.size());
        core::Bytes chunk(blob.bytes.begin() + static_cast<std::ptrdiff_t>(from), blob.bytes.begin() + static_cast<std::ptrdiff_t>(to));
        if ((op[7] & 1) && !chunk.empty()) chunk[op[5] % chunk.size()] ^= 0x01;
        const std::uint64_t total = blob.bytes.size() + ((op[7] & 2) ? 1 : 0);
        body = wire::BlobUpload{hash, offset, total, std::move(chunk)};
        break;
      }
      case 1: body = wire::BlobDownload{hash, offset, length}; break;
      case 2: body = wire::BlobStatus{hash}; break;
      case 3: body = wire::BlobFetched{hash}; break;
      default: {  // a send to another device's account naming the blob
        const std::size_t to = (who + 1 + (op[7] & 1)) % kDevices;
        body = wire::Send{next_message++, devices[to].account.value,
                          {{devices[to].device.value, devices[to].incarnation.value, core::Bytes(8, op[3])}}, 0, {hash}};
        break;
      }
    }
    const bool upload = std::holds_alternative<wire::BlobUpload>(body);
    const bool send = std::holds_alternative<wire::Send>(body);
    const std::size_t to = send ? (who + 1 + (op[7] & 1)) % kDevices : who;
    std::vector<ConnectionEvent> events(1, ConnectionEvent{ConnectionEvent::Kind::frame, who + 1});
    events[0].frame = wire::Frame{static_cast<std::uint32_t>(at / 8 + 1), std::move(body)};
    for (const auto& [device, frame] : run(std::move(events))) {
      if (const auto* got = frame.get<wire::BlobData>()) {
        PARLEY_FUZZ_CHECK(device == who);
        PARLEY_FUZZ_CHECK(may_read[who].count(which) == 1);
        PARLEY_FUZZ_CHECK(got->total_size == blob.bytes.size());
        PARLEY_FUZZ_CHECK(got->offset + got->data.size() <= blob.bytes.size());
        PARLEY_FUZZ_CHECK(std::equal(got->data.begin(), got->data.end(),
                                     blob.bytes.begin() + static_cast<std::ptrdiff_t>(got->offset)));
      }
      if (const auto* state = frame.get<wire::BlobState>()) PARLEY_FUZZ_CHECK(may_read[who].count(which) == 1 && state->received <= state->total_size);
      if (device != who || frame.request_id == 0) continue;
      if (upload && frame.is<wire::Ok>()) may_read[who].insert(which);
      if (send && frame.is<wire::SendAck>()) {
        PARLEY_FUZZ_CHECK(may_read[who].count(which) == 1);  // only a holder names a blob
        may_read[to].insert(which);
      }
    }
  }
  for (const auto& d : devices) PARLEY_FUZZ_CHECK(store.device(d.account, d.device).ok());
  return 0;
}
