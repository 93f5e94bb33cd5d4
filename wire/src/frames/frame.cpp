// spec §6.9: one codec for every frame kind.
#include "parley/wire/frames/frame.h"

#include <string>
#include <type_traits>

#include "body_codec.h"
#include "../flat_message.h"
#include "parley/wire/limits.h"

namespace parley::wire {

using core::Errc;
using Which = schema::Frame::Body::Which;

static_assert(kFrameProtocolVersion == schema::FRAME_PROTOCOL_VERSION, "frame.h and frames.capnp disagree");

namespace {

// The variant's order is the union's: checked for the first, the last and a few in between.
template <typename T, typename... Bodies>
constexpr std::size_t index_in(const std::variant<Bodies...>*) {
  constexpr bool matches[] = {std::is_same_v<T, Bodies>...};
  for (std::size_t i = 0; i < sizeof...(Bodies); ++i)
    if (matches[i]) return i;
  return sizeof...(Bodies);
}
template <typename T>
constexpr std::size_t index_of() {
  return index_in<T>(static_cast<const FrameBody*>(nullptr));
}
static_assert(static_cast<std::size_t>(Which::REGISTER) == 0);
static_assert(index_of<Send>() == static_cast<std::size_t>(Which::SEND));
static_assert(index_of<RetiredReceipt>() == static_cast<std::size_t>(Which::RECEIPT));
static_assert(index_of<ErrorFrame>() == static_cast<std::size_t>(Which::ERROR));
static_assert(index_of<LinkDevice>() == static_cast<std::size_t>(Which::LINK_DEVICE));
static_assert(index_of<RetryRequest>() == static_cast<std::size_t>(Which::RETRY_REQUEST));
static_assert(index_of<BlobFetched>() == static_cast<std::size_t>(Which::BLOB_FETCHED));
static_assert(index_of<GroupLog>() == static_cast<std::size_t>(Which::GROUP_LOG));
static_assert(index_of<GroupSend>() == static_cast<std::size_t>(Which::GROUP_SEND));
static_assert(std::variant_size_v<FrameBody> == static_cast<std::size_t>(Which::GROUP_SEND) + 1);

constexpr std::string_view kNames[] = {
    "register",     "login",        "loggedIn",     "uploadPreKeys", "fetchPreKeys", "preKeyBundles", "getDeviceList",
    "putDeviceList", "deviceList",  "send",         "sendAck",       "deliver",      "ack",           "receipt",
    "blobUpload",   "blobDownload", "blobData",     "queueEmpty",    "error",        "ok",            "linkDevice",
    "deviceLinked", "removeDevice", "linkApproval", "linkConfirmation", "retryRequest",
    "blobStatus",   "blobState",    "blobFetched", "groupLogAppend", "groupLogFetch", "groupLog", "groupSend"};
static_assert(std::size(kNames) == std::variant_size_v<FrameBody>);

FrameBody read_body(schema::Frame::Body::Reader body) {
  using namespace body_codec;
  switch (body.which()) {
    case Which::REGISTER: return read_register(body);
    case Which::LOGIN: return read_login(body);
    case Which::LOGGED_IN: return read_logged_in(body);
    case Which::UPLOAD_PRE_KEYS: return read_upload_prekeys(body);
    case Which::FETCH_PRE_KEYS: return read_fetch_prekeys(body);
    case Which::PRE_KEY_BUNDLES: return read_prekey_bundles(body);
    case Which::GET_DEVICE_LIST: return read_get_device_list(body);
    case Which::PUT_DEVICE_LIST: return read_put_device_list(body);
    case Which::DEVICE_LIST: return read_device_list(body);
    case Which::SEND: return read_send(body);
    case Which::SEND_ACK: return read_send_ack(body);
    case Which::DELIVER: return read_deliver(body);
    case Which::ACK: return read_ack(body);
    case Which::RECEIPT: return RetiredReceipt{};
    case Which::BLOB_UPLOAD: return read_blob_upload(body);
    case Which::BLOB_DOWNLOAD: return read_blob_download(body);
    case Which::BLOB_DATA: return read_blob_data(body);
    case Which::QUEUE_EMPTY: return QueueEmpty{};
    case Which::ERROR: return read_error(body);
    case Which::OK: return Ok{};
    case Which::LINK_DEVICE: return read_link_device(body);
    case Which::DEVICE_LINKED: return read_device_linked(body);
    case Which::REMOVE_DEVICE: return read_remove_device(body);
    case Which::LINK_APPROVAL: return read_link_approval(body);
    case Which::LINK_CONFIRMATION: return read_link_confirmation(body);
    case Which::RETRY_REQUEST: return read_retry_request(body);
    case Which::BLOB_STATUS: return read_blob_status(body);
    case Which::BLOB_STATE: return read_blob_state(body);
    case Which::BLOB_FETCHED: return read_blob_fetched(body);
    case Which::GROUP_LOG_APPEND: return read_group_log_append(body);
    case Which::GROUP_LOG_FETCH: return read_group_log_fetch(body);
    case Which::GROUP_LOG: return read_group_log(body);
    case Which::GROUP_SEND: return read_group_send(body);
  }
  return Ok{};  // unreachable: decode_frame refused unknown kinds
}

}  // namespace

core::Result<core::Bytes> encode_frame(std::uint32_t request_id, const FrameBody& body) {
  core::Bytes out;
  std::visit(
      [&](const auto& b) {
        flat_message::write<schema::Frame>(out, body_codec::estimate_words(b) + 4, [&](schema::Frame::Builder root) {
          root.setProtocolVersion(kFrameProtocolVersion);
          root.setRequestId(request_id);
          body_codec::write(root.getBody(), b);
        });
      },
      body);
  if (out.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(out.size()) + " bytes");
  return out;
}

core::Result<Frame> decode_frame(core::BytesView bytes) {
  if (bytes.size() > kMaxFrameSize)
    return core::make_error(Errc::limit_exceeded, "frame of " + std::to_string(bytes.size()) + " bytes");
  PARLEY_TRY(const std::size_t size, flat_message::check_single_segment(bytes));
  flat_message::Words words(size);
  std::memcpy(words.ptr().begin(), bytes.data() + flat_message::kSegmentTableSize, size * sizeof(capnp::word));
  const kj::ArrayPtr<const capnp::word> segments[1] = {words.ptr()};
  try {
    Frame frame;
    {
      // The whole-message walk gets a reader (and budget) of its own, so that the conversion below
      // has the full budget for its one pass.
      capnp::SegmentArrayMessageReader check(kj::arrayPtr(segments, 1), flat_message::reader_options(size));
      if (!flat_message::walk_whole_message(check)) return core::make_error(Errc::malformed, "capability pointer");
      const auto root = check.getRoot<schema::Frame>();
      if (root.getProtocolVersion() != kFrameProtocolVersion)
        return core::make_error(Errc::unsupported_version, "frame protocol version " + std::to_string(root.getProtocolVersion()));
      // A discriminant past the last member this build knows is a frame kind added later.
      const auto kind = static_cast<std::size_t>(root.getBody().which());
      if (kind >= std::variant_size_v<FrameBody>) return core::make_error(Errc::unsupported, "frame kind " + std::to_string(kind));
      frame.request_id = root.getRequestId();
    }
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), flat_message::reader_options(size));
    frame.body = read_body(reader.getRoot<schema::Frame>().getBody());
    return frame;
  } catch (const kj::Exception& e) {
    return flat_message::malformed(e);
  }
}

std::string_view frame_name(const FrameBody& body) { return kNames[body.index()]; }

}  // namespace parley::wire
