#include "parley/wire/content.h"

#include <algorithm>

#include "parley/protocol/media/media_encryptor.h"
#include "parley/protocol/media/sidecar.h"
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

// A file name is shown and used to save the file: a path in it would write elsewhere.
bool is_plain_name(const std::string& name) {
  if (name == "." || name == "..") return false;
  return name.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos;
}

void write_media(schema::Media::Builder m, const MediaBody& media) {
  const auto text = [](const std::string& s) { return capnp::Text::Reader(s.data(), s.size()); };
  m.setType(text(media.type));
  m.setMimeType(text(media.mime_type));
  m.setFileName(text(media.file_name));
  m.setFileLength(media.file_length);
  m.setMediaKey(flat_message::as_data(media.media_key));
  m.setFileSha256(flat_message::as_data(media.file_sha256));
  m.setFileEncSha256(flat_message::as_data(media.file_enc_sha256));
  m.setCaption(text(media.caption));
  m.setWidth(media.width);
  m.setHeight(media.height);
  m.setDurationMs(media.duration_ms);
  m.setStreamingSidecar(flat_message::as_data(media.streaming_sidecar));
  m.setThumbnailJpeg(flat_message::as_data(media.thumbnail_jpeg));
}

core::Result<MediaBody> read_media(schema::Media::Reader m) {
  const auto bytes = [](capnp::Data::Reader d) { return core::to_bytes(flat_message::as_view(d)); };
  MediaBody out{text_of(m.getType()),
                text_of(m.getMimeType()),
                text_of(m.getFileName()),
                m.getFileLength(),
                bytes(m.getMediaKey()),
                bytes(m.getFileSha256()),
                bytes(m.getFileEncSha256()),
                text_of(m.getCaption()),
                m.getWidth(),
                m.getHeight(),
                m.getDurationMs(),
                bytes(m.getStreamingSidecar()),
                bytes(m.getThumbnailJpeg())};
  PARLEY_CHECK(check_media(out));
  return out;
}

std::size_t media_words(const std::optional<MediaBody>& m) {
  if (!m) return 0;
  return 32 + (m->type.size() + m->mime_type.size() + m->file_name.size() + m->caption.size() +
               m->streaming_sidecar.size() + m->thumbnail_jpeg.size()) / 8;
}

core::Result<void> check_group(const Content& c) {
  if (c.distribution && !c.group) return core::make_error(Errc::malformed, "a sender key names its group");
  if (!c.group) return {};
  if (c.group->group.size() != 16 || c.group->membership_head.size() != 32 || c.group->membership_version == 0)
    return core::make_error(Errc::malformed, "a group context is a 16-byte id, a version from 1 and a 32-byte hash");
  // Group receipts and own-device copies are not defined: a group message reaches every member
  // device, the sender's own included, as the one group send.
  if (c.receipt || c.sent_to) return core::make_error(Errc::malformed, "a group message is no receipt and no copy");
  if (c.distribution && (c.distribution->empty() || c.distribution->size() > kMaxDistributionSize || !c.text.empty() || c.media))
    return core::make_error(Errc::malformed, "a sender key of 1 to 256 bytes, alone");
  return {};
}

void write_group(schema::GroupContext::Builder g, const GroupContext& group) {
  g.setGroup(flat_message::as_data(group.group));
  g.setMembershipVersion(group.membership_version);
  g.setMembershipHead(flat_message::as_data(group.membership_head));
}

}  // namespace

core::Result<void> check_media(const MediaBody& media) {
  namespace pm = protocol::media;
  if (!pm::media_hkdf_info(media.type)) return core::make_error(Errc::unsupported, "a media type this build does not know");
  if (media.media_key.size() != pm::kMediaKeySize || media.file_sha256.size() != 32 || media.file_enc_sha256.size() != 32)
    return core::make_error(Errc::malformed, "a media key and hashes are 32 bytes");
  if (media.file_length > kMaxMediaFileLength) return core::make_error(Errc::limit_exceeded, "an attachment over 2 GiB");
  if (media.mime_type.size() > kMaxMediaNameSize || media.file_name.size() > kMaxMediaNameSize)
    return core::make_error(Errc::limit_exceeded, "a MIME type or file name over 255 bytes");
  if (!is_plain_name(media.file_name)) return core::make_error(Errc::malformed, "a file name must not be a path");
  if (media.thumbnail_jpeg.size() > kMaxThumbnailSize) return core::make_error(Errc::limit_exceeded, "a thumbnail over 16 KiB");
  const std::uint64_t upload = (media.file_length / 16 + 1) * 16 + pm::kMediaMacSize;
  if (!media.streaming_sidecar.empty() &&
      media.streaming_sidecar.size() != pm::sidecar_entry_count(upload) * pm::kSidecarEntrySize)
    return core::make_error(Errc::malformed, "a sidecar without one entry per chunk of the upload");
  return {};
}

core::Result<core::Bytes> encode_content(const Content& content) {
  if (content.text.size() > kMaxContentSize) return core::make_error(Errc::limit_exceeded, "content too large");
  if (content.receipt) PARLEY_CHECK(check_receipt(*content.receipt));
  if (content.media) {
    if (content.receipt || !content.text.empty())
      return core::make_error(Errc::malformed, "an attachment's content has no text and no receipt");
    PARLEY_CHECK(check_media(*content.media));
  }
  PARLEY_CHECK(check_group(content));
  const std::size_t marks = content.receipt ? content.receipt->marks.size() : 0;
  core::Bytes out;
  const std::size_t group_words = content.group ? 16 + (content.distribution ? content.distribution->size() / 8 + 1 : 0) : 0;
  flat_message::write<schema::Content>(out, 16 + content.text.size() / 8 + 2 * marks + media_words(content.media) + group_words,
                                       [&](schema::Content::Builder root) {
    root.setVersion(schema::CONTENT_VERSION);
    root.setMessageId(content.message_id);
    root.setTimestampMs(content.timestamp_ms);
    if (content.group) write_group(root.initGroup(), *content.group);
    if (content.distribution) {
      root.getBody().setSenderKeyDistribution(flat_message::as_data(*content.distribution));
    } else if (content.receipt) {
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
      if (content.media) write_media(copy.initMedia(), *content.media);
    } else if (content.media) {
      write_media(root.getBody().initMedia(), *content.media);
    } else {
      root.getBody().setText(capnp::Text::Reader(content.text.data(), content.text.size()));
    }
  });
  if (out.size() > kMaxEncodedContentSize) return core::make_error(Errc::limit_exceeded, "content too large");
  return out;
}

core::Result<Content> decode_content(core::BytesView bytes) {
  if (bytes.size() > kMaxEncodedContentSize) return core::make_error(Errc::limit_exceeded, "content too large");
  return flat_message::read<schema::Content>(bytes, [](schema::Content::Reader r) -> core::Result<Content> {
    if (r.getVersion() != schema::CONTENT_VERSION)
      return core::make_error(Errc::unsupported_version, "content version " + std::to_string(r.getVersion()));
    Content out{r.getMessageId(), r.getTimestampMs(), {}, std::nullopt, std::nullopt, std::nullopt};
    switch (r.getBody().which()) {
      case schema::Content::Body::TEXT: out.text = text_of(r.getBody().getText()); break;
      case schema::Content::Body::SENT_TO_OWN_DEVICE: {
        // Each pointer followed once: the traversal budget is twice the message's size (§5.7), so
        // reading a small message's struct twice could exhaust it.
        const auto copy = r.getBody().getSentToOwnDevice();
        out.text = text_of(copy.getText());
        out.sent_to = copy.getDestinationAccount();
        if (copy.hasMedia()) {
          PARLEY_TRY(auto media, read_media(copy.getMedia()));
          if (!out.text.empty()) return core::make_error(Errc::malformed, "an attachment's copy has no text");
          out.media = std::move(media);
        }
        break;
      }
      case schema::Content::Body::RECEIPT: {
        PARLEY_TRY(auto receipt, read_receipt(r.getBody().getReceipt()));
        out.receipt = std::move(receipt);
        break;
      }
      case schema::Content::Body::MEDIA: {
        PARLEY_TRY(auto media, read_media(r.getBody().getMedia()));
        out.media = std::move(media);
        break;
      }
      case schema::Content::Body::SENDER_KEY_DISTRIBUTION:
        out.distribution = core::to_bytes(flat_message::as_view(r.getBody().getSenderKeyDistribution()));
        break;
      default: return core::make_error(Errc::unsupported, "a content kind this build does not know");
    }
    if (r.hasGroup()) {
      const auto g = r.getGroup();
      out.group = GroupContext{core::to_bytes(flat_message::as_view(g.getGroup())), g.getMembershipVersion(),
                               core::to_bytes(flat_message::as_view(g.getMembershipHead()))};
    }
    PARLEY_CHECK(check_group(out));
    return out;
  });
}

core::Result<core::Bytes> encode_media(const MediaBody& media) {
  return encode_content(Content{0, 0, {}, std::nullopt, std::nullopt, media});
}

core::Result<MediaBody> decode_media(core::BytesView bytes) {
  PARLEY_TRY(auto content, decode_content(bytes));
  if (!content.media) return core::make_error(Errc::malformed, "no attachment");
  return std::move(*content.media);
}

}  // namespace parley::wire
