#include "parley/wire/content.h"

#include <algorithm>

#include "parley/wire/schema/content.capnp.h"
#include "flat_message.h"

namespace parley::wire {

using core::Errc;

namespace {

std::string text_of(capnp::Text::Reader text) { return std::string(text.begin(), text.size()); }

using protocol::receipts::Status;

schema::ReceiptType wire_type(Status s) {
  return s == Status::read ? schema::ReceiptType::READ : s == Status::played ? schema::ReceiptType::PLAYED : schema::ReceiptType::DELIVERED;
}

core::Result<void> check_receipt(const ReceiptBody& r) {
  if (r.type != Status::delivered && r.type != Status::read && r.type != Status::played)
    return core::make_error(Errc::malformed, "a receipt is delivered, read or played");
  if (r.marks.empty()) return core::make_error(Errc::malformed, "a receipt names at least one message");
  if (r.marks.size() > kMaxReceiptMarks) return core::make_error(Errc::limit_exceeded, "too many receipt marks");
  std::vector<std::uint32_t> devices;
  for (const auto& m : r.marks) {
    if (m.sender_device == 0 || m.message_id == 0) return core::make_error(Errc::malformed, "a receipt mark of 0");
    devices.push_back(m.sender_device);
  }
  std::sort(devices.begin(), devices.end());
  // "Read up to" is one number per device: two would contradict each other.
  if (r.type == Status::read && std::adjacent_find(devices.begin(), devices.end()) != devices.end())
    return core::make_error(Errc::malformed, "a read receipt names a device twice");
  return {};
}

core::Result<ReceiptBody> read_receipt(schema::Receipt::Reader r) {
  ReceiptBody out;
  switch (r.getType()) {
    case schema::ReceiptType::DELIVERED: out.type = Status::delivered; break;
    case schema::ReceiptType::READ: out.type = Status::read; break;
    case schema::ReceiptType::PLAYED: out.type = Status::played; break;
    default: return core::make_error(Errc::unsupported, "a receipt type this build does not know");
  }
  out.chat = r.getChat();
  const auto marks = r.getMarks();
  if (marks.size() > kMaxReceiptMarks) return core::make_error(Errc::limit_exceeded, "too many receipt marks");
  out.marks.reserve(marks.size());
  for (auto m : marks) out.marks.push_back({m.getSenderDevice(), m.getMessageId()});
  PARLEY_CHECK(check_receipt(out));
  return out;
}

}  // namespace

core::Result<core::Bytes> encode_content(const Content& content) {
  if (content.text.size() > kMaxContentSize) return core::make_error(Errc::limit_exceeded, "content too large");
  if (content.receipt) PARLEY_CHECK(check_receipt(*content.receipt));
  const std::size_t marks = content.receipt ? content.receipt->marks.size() : 0;
  core::Bytes out;
  flat_message::write<schema::Content>(out, 16 + content.text.size() / 8 + 2 * marks, [&](schema::Content::Builder root) {
    root.setVersion(schema::CONTENT_VERSION);
    root.setMessageId(content.message_id);
    root.setTimestampMs(content.timestamp_ms);
    if (content.receipt) {
      auto r = root.getBody().initReceipt();
      r.setType(wire_type(content.receipt->type));
      r.setChat(content.receipt->chat);
      auto list = r.initMarks(static_cast<unsigned>(marks));
      for (unsigned i = 0; i < marks; ++i) {
        list[i].setSenderDevice(content.receipt->marks[i].sender_device);
        list[i].setMessageId(content.receipt->marks[i].message_id);
      }
    } else if (content.sent_to) {
      auto copy = root.getBody().initSentToOwnDevice();
      copy.setDestinationAccount(*content.sent_to);
      copy.setText(capnp::Text::Reader(content.text.data(), content.text.size()));
    } else {
      root.getBody().setText(capnp::Text::Reader(content.text.data(), content.text.size()));
    }
  });
  return out;
}

core::Result<Content> decode_content(core::BytesView bytes) {
  if (bytes.size() > kMaxContentSize + 256) return core::make_error(Errc::limit_exceeded, "content too large");
  return flat_message::read<schema::Content>(bytes, [](schema::Content::Reader r) -> core::Result<Content> {
    if (r.getVersion() != schema::CONTENT_VERSION)
      return core::make_error(Errc::unsupported_version, "content version " + std::to_string(r.getVersion()));
    Content out{r.getMessageId(), r.getTimestampMs(), {}, std::nullopt};
    switch (r.getBody().which()) {
      case schema::Content::Body::TEXT: out.text = text_of(r.getBody().getText()); break;
      case schema::Content::Body::SENT_TO_OWN_DEVICE: {
        // Each pointer followed once: the traversal budget is twice the message's size (§5.7), so
        // reading a small message's struct twice could exhaust it.
        const auto copy = r.getBody().getSentToOwnDevice();
        out.text = text_of(copy.getText());
        out.sent_to = copy.getDestinationAccount();
        break;
      }
      case schema::Content::Body::RECEIPT: {
        PARLEY_TRY(auto receipt, read_receipt(r.getBody().getReceipt()));
        out.receipt = std::move(receipt);
        break;
      }
      default: return core::make_error(Errc::unsupported, "a content kind this build does not know");
    }
    return out;
  });
}

}  // namespace parley::wire
