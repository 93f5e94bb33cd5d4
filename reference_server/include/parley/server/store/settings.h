// The limits and timings of the server's storage (spec §7.1, limits table). One struct of named
// values so that a deployment, or a test at N and N+1, can change a bound without touching code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "parley/server/store/ids.h"

namespace parley::server {

// Reads the time in ms since the epoch. Injected, so expiry and timestamps are testable with a
// fake clock; system_clock() is the real one.
using Clock = std::function<TimestampMs()>;
Clock system_clock();

inline constexpr TimestampMs kDayMs = 24ull * 60 * 60 * 1000;

struct StoreSettings {
  // WhatsApp's limit of a primary and four companion devices (spec §8); a link past it is
  // limit_exceeded.
  std::size_t max_devices_per_account = 5;

  // Signal's upload bound (SetKeysRequest); a request with more is limit_exceeded. Frames.capnp
  // says the same for uploadPreKeys.
  std::size_t max_one_time_prekeys_per_upload = 100;
  // Stock per device: ten full uploads. A device that keeps uploading cannot grow the store
  // without bound; an upload that would pass it is limit_exceeded and stores nothing.
  std::size_t max_one_time_prekeys_per_device = 1000;
  // Below this stock the server sends the prekeysLow warning: Signal's clients refill at 10.
  std::size_t prekeys_low_threshold = 10;

  // Signal's per-device ciphertext limit (MessageSender.MAX_MESSAGE_SIZE); a larger one is
  // message_too_large. Media travel as blobs.
  std::size_t max_message_size = 96 * 1024;
  // A destination device's mailbox holds at most this many messages and bytes; a send that would
  // pass either is queue_full for the whole send. The count covers a month of heavy chat offline;
  // the bytes bound what one absent device can cost the disk (about 1000 maximum-size messages).
  std::size_t max_queued_messages_per_device = 10'000;
  std::size_t max_queued_bytes_per_device = 100 * 1024 * 1024;
  // A fetch returns at most this many messages: the server keeps at most 256 unacknowledged in
  // flight per connection (Signal's window), so it never needs more at once.
  std::size_t max_fetch = 256;
  // Undelivered messages older than this are deleted by expire_messages (WhatsApp's and Signal's
  // 30 days); so are the idempotency keys of sends that old. Prekey messages queued that long
  // still decrypt: the signed prekey grace period is the same 30 days (spec §4.2).
  TimestampMs message_retention_ms = 30 * kDayMs;

  // The signed device list is a handful of devices with keys and signatures (under 1 KiB for 5);
  // 16 KiB leaves room for the format to grow and bounds what one account can store.
  std::size_t max_device_list_size = 16 * 1024;

  // Encrypted media (spec §12.3): the upload of a 2 GiB attachment, WhatsApp's document limit,
  // is 2 GiB of whole blocks, one block of padding and the 10-byte MAC. The upload is hashed as it
  // completes, piece by piece, so the size costs disk, not memory.
  std::uint64_t max_blob_size = (2ull << 30) + 16 + 10;
  // One read returns at most this much: one blobData frame carries 1 MiB (kMaxFrameSize).
  std::size_t max_blob_read = 1024 * 1024;
  // An upload not completed within this time is discarded by expire_blobs, so abandoned uploads
  // do not hold disk forever; a day covers a resumed upload over a poor connection.
  TimestampMs blob_upload_timeout_ms = kDayMs;
  // A complete blob is kept this long after its upload started, like undelivered messages: a
  // media message that waited 30 days in a mailbox can still be downloaded.
  TimestampMs blob_retention_ms = 30 * kDayMs;
  // What one account's devices may hold in the blob store at once (the total sizes of their
  // uploads, complete or not, until deleted): four attachments of the largest size. Past it an
  // upload is quota_exceeded; a blob frees its share when deleted.
  std::uint64_t max_blob_bytes_per_account = 8ull << 30;
  // Blobs one message may name: a media message names one; an album of WhatsApp's 30 pictures is
  // 30 messages. Bounds the grants one send writes.
  std::size_t max_blobs_per_send = 16;

  // Group membership logs (spec §11.2). An entry naming 1023 accounts (the most one can, a group of
  // kMaxGroupMembers) with a companion's identity is about 8.5 KiB; 16 KiB bounds what one append
  // stores.
  std::size_t max_group_entry_size = 16 * 1024;
  // A fetch returns at most this many entries (a few hundred KiB at most), and says whether more follow.
  std::size_t max_group_log_entries = 64;
};

}  // namespace parley::server
