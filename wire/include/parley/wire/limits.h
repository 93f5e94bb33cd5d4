// The bounds of Parley's Cap'n Proto decoders, with their reasons (spec §5.7, §5.8). A decoder
// checks every one of them before it trusts a count or follows a pointer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace parley::wire {

// A message frame larger than this is `malformed` before any parsing. The libsignal layout's bound
// (kMaxLibsignalMessageSize): a session message carries one chat message, media travel as
// encrypted blobs, and a receiver should not copy and walk more than this for one message.
inline constexpr std::size_t kMaxCapnpMessageSize = 256 * 1024;

// A stored session record larger than this is `malformed` before any parsing. The largest valid
// record (a current and kMaxArchivedSessions archived sessions, each with kMaxReceiverChains
// receiver chains of kMaxSkippedMessageKeys skipped keys) is 18.8 MiB (tested); the rest leaves
// room for fields added later without letting a corrupt store make a reader allocate more.
inline constexpr std::size_t kMaxSessionRecordSize = 32 * 1024 * 1024;

// How deeply pointers may nest. The deepest Parley structure is 5 levels (record, archived list,
// skipped keys, entry list, seed: a list's structs are inline); 8 leaves room for later fields and
// keeps every recursive walk of a hostile message (Cap'n Proto's own size check included) shallow.
inline constexpr int kCapnpNestingLimit = 8;

// The traversal limit is this many times the segment's size in words (plus one). A decoder walks
// the whole message once to check it (nesting, no capabilities) and reads each object once more to
// convert it; a message that needs more points several times at the same bytes, which Cap'n
// Proto's encoding permits and an amplification attack exploits.
inline constexpr std::uint64_t kCapnpTraversalFactor = 2;

// A client-server frame larger than this is `limit_exceeded` before it is parsed or reassembled
// (spec §6.9). Blob uploads and downloads move 1 MiB of data per frame (the largest frame);
// 64 KiB on top covers the frame's own fields. Bounding the frame bounds what one reassembly may
// allocate.
inline constexpr std::size_t kMaxFrameSize = 1024 * 1024 + 64 * 1024;

}  // namespace parley::wire
