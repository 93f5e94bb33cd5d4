// Inside the frame codec: each frame kind's conversion to and from its frames.capnp union member.
// One .cpp per header of include/parley/wire/frames/ defines its kinds' functions; frame.cpp
// dispatches over them. Readers are called inside the codec's try block, so a kj::Exception thrown
// while reading becomes `malformed` there.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parley/wire/frames/frame.h"
#include "parley/wire/schema/frames.capnp.h"

namespace parley::wire::body_codec {

using Body = schema::Frame::Body;

inline capnp::Data::Reader as_data(core::BytesView b) { return {b.data(), b.size()}; }
inline core::Bytes to_bytes(capnp::Data::Reader d) { return core::Bytes(d.begin(), d.end()); }

// The first segment's size for a body (an underestimate costs one copy, never a second segment).
inline std::size_t words_for(const core::Bytes& b) { return b.size() / 8 + 2; }
template <typename T>
std::size_t estimate_words(const T&) {
  return 16;
}

// accounts.cpp
void write(Body::Builder body, const Register& f);
void write(Body::Builder body, const Login& f);
void write(Body::Builder body, const LoggedIn& f);
void write(Body::Builder body, const LinkDevice& f);
void write(Body::Builder body, const DeviceLinked& f);
void write(Body::Builder body, const RemoveDevice& f);
void write(Body::Builder body, const LinkApproval& f);
void write(Body::Builder body, const LinkConfirmation& f);
Register read_register(Body::Reader body);
Login read_login(Body::Reader body);
LoggedIn read_logged_in(Body::Reader body);
LinkDevice read_link_device(Body::Reader body);
DeviceLinked read_device_linked(Body::Reader body);
RemoveDevice read_remove_device(Body::Reader body);
LinkApproval read_link_approval(Body::Reader body);
LinkConfirmation read_link_confirmation(Body::Reader body);

// prekeys.cpp
void write(Body::Builder body, const UploadPreKeys& f);
void write(Body::Builder body, const FetchPreKeys& f);
void write(Body::Builder body, const PreKeyBundles& f);
void write_bundle(schema::PreKeyBundle::Builder out, const DeviceBundle& b);
UploadPreKeys read_upload_prekeys(Body::Reader body);
FetchPreKeys read_fetch_prekeys(Body::Reader body);
PreKeyBundles read_prekey_bundles(Body::Reader body);
DeviceBundle read_bundle(schema::PreKeyBundle::Reader b);
std::size_t estimate_words(const UploadPreKeys& f);
std::size_t estimate_words(const PreKeyBundles& f);

// device_lists.cpp
void write(Body::Builder body, const GetDeviceList& f);
void write(Body::Builder body, const PutDeviceList& f);
void write(Body::Builder body, const DeviceListReply& f);
GetDeviceList read_get_device_list(Body::Reader body);
PutDeviceList read_put_device_list(Body::Reader body);
DeviceListReply read_device_list(Body::Reader body);
std::size_t estimate_words(const PutDeviceList& f);
std::size_t estimate_words(const DeviceListReply& f);

// mail.cpp
void write(Body::Builder body, const Send& f);
void write(Body::Builder body, const SendAck& f);
void write(Body::Builder body, const Deliver& f);
void write(Body::Builder body, const Ack& f);
void write(Body::Builder body, const QueueEmpty& f);
void write(Body::Builder body, const RetryRequest& f);
void write(Body::Builder body, const RetiredReceipt& f);
Send read_send(Body::Reader body);
SendAck read_send_ack(Body::Reader body);
Deliver read_deliver(Body::Reader body);
Ack read_ack(Body::Reader body);
RetryRequest read_retry_request(Body::Reader body);
std::size_t estimate_words(const Send& f);
std::size_t estimate_words(const Deliver& f);

// blobs.cpp
void write(Body::Builder body, const BlobUpload& f);
void write(Body::Builder body, const BlobDownload& f);
void write(Body::Builder body, const BlobData& f);
BlobUpload read_blob_upload(Body::Reader body);
BlobDownload read_blob_download(Body::Reader body);
void write(Body::Builder body, const BlobStatus& f);
void write(Body::Builder body, const BlobState& f);
BlobStatus read_blob_status(Body::Reader body);
BlobState read_blob_state(Body::Reader body);
void write(Body::Builder body, const BlobFetched& f);
BlobFetched read_blob_fetched(Body::Reader body);
BlobData read_blob_data(Body::Reader body);
// groups.cpp
void write(Body::Builder body, const GroupLogAppend& f);
void write(Body::Builder body, const GroupLogFetch& f);
void write(Body::Builder body, const GroupLog& f);
GroupLogAppend read_group_log_append(Body::Reader body);
GroupLogFetch read_group_log_fetch(Body::Reader body);
GroupLog read_group_log(Body::Reader body);
std::size_t estimate_words(const GroupLogAppend& f);
std::size_t estimate_words(const GroupLog& f);
void write(Body::Builder body, const GroupSend& f);
GroupSend read_group_send(Body::Reader body);
std::size_t estimate_words(const GroupSend& f);
std::size_t estimate_words(const BlobUpload& f);
std::size_t estimate_words(const BlobData& f);

// replies.cpp
void write(Body::Builder body, const Ok& f);
void write(Body::Builder body, const ErrorFrame& f);
ErrorFrame read_error(Body::Reader body);
std::size_t estimate_words(const ErrorFrame& f);

}  // namespace parley::wire::body_codec
