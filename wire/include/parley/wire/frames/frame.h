// Client-server frames (spec §6.9, spec/wire/frames.capnp) as value types: one struct per frame
// kind, requests and replies alike, and one codec for all of them. Nothing outside wire/ sees
// Cap'n Proto: the client, the server, the load generator and the tests build and read these.
//
// Decoding checks a frame once, in spec §6.9's order: at most kMaxFrameSize bytes
// (`limit_exceeded`), one whole segment, a walk of the whole message under the traversal and
// nesting limits of wire/limits.h with no capability pointer (`malformed`), the protocol version
// (`unsupported_version`), a body this build knows (`unsupported`); then the body is converted
// with a fresh traversal budget. A Cap'n Proto exception never leaves the codec.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "parley/core/bytes.h"
#include "parley/core/error.h"
#include "parley/wire/frames/accounts.h"
#include "parley/wire/frames/blobs.h"
#include "parley/wire/frames/device_lists.h"
#include "parley/wire/frames/groups.h"
#include "parley/wire/frames/mail.h"
#include "parley/wire/frames/prekeys.h"
#include "parley/wire/frames/replies.h"

namespace parley::wire {

// The version every frame carries (frames.capnp: frameProtocolVersion).
inline constexpr std::uint16_t kFrameProtocolVersion = 1;

// One alternative per member of frames.capnp's `body` union, in the union's order, so that a
// body's index is its discriminant (frame.cpp checks this against the schema).
using FrameBody = std::variant<Register, Login, LoggedIn, UploadPreKeys, FetchPreKeys, PreKeyBundles, GetDeviceList,
                               PutDeviceList, DeviceListReply, Send, SendAck, Deliver, Ack, RetiredReceipt,
                               BlobUpload, BlobDownload, BlobData, QueueEmpty, ErrorFrame, Ok, LinkDevice,
                               DeviceLinked, RemoveDevice, LinkApproval, LinkConfirmation, RetryRequest,
                               BlobStatus, BlobState, BlobFetched, GroupLogAppend, GroupLogFetch, GroupLog,
                               GroupSend>;

struct Frame {
  std::uint32_t request_id = 0;  // a reply repeats its request's; 0 on frames the server pushes
  FrameBody body;

  template <typename T>
  const T* get() const {
    return std::get_if<T>(&body);
  }
  template <typename T>
  bool is() const {
    return std::holds_alternative<T>(body);
  }
  friend bool operator==(const Frame&, const Frame&) = default;
};

// The flat single-segment bytes of a frame; `limit_exceeded` above kMaxFrameSize (so that a sender
// learns it before the peer closes the connection).
core::Result<core::Bytes> encode_frame(std::uint32_t request_id, const FrameBody& body);
inline core::Result<core::Bytes> encode_frame(const Frame& frame) { return encode_frame(frame.request_id, frame.body); }

// Errors as the header says.
core::Result<Frame> decode_frame(core::BytesView bytes);

// The frame kind's name in frames.capnp ("send", "deliver", ...), for logs and errors.
std::string_view frame_name(const FrameBody& body);

}  // namespace parley::wire
