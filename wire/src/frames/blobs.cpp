// spec §7.1: blob uploads and downloads.
#include "body_codec.h"

namespace parley::wire::body_codec {

void write(Body::Builder body, const BlobUpload& f) {
  auto b = body.initBlobUpload();
  b.setContentHash(as_data(f.content_hash));
  b.setOffset(f.offset);
  b.setTotalSize(f.total_size);
  b.setData(as_data(f.data));
}

void write(Body::Builder body, const BlobDownload& f) {
  auto b = body.initBlobDownload();
  b.setContentHash(as_data(f.content_hash));
  b.setOffset(f.offset);
  b.setLength(f.length);
}

void write(Body::Builder body, const BlobData& f) {
  auto b = body.initBlobData();
  b.setContentHash(as_data(f.content_hash));
  b.setOffset(f.offset);
  b.setTotalSize(f.total_size);
  b.setData(as_data(f.data));
}

BlobUpload read_blob_upload(Body::Reader body) {
  auto b = body.getBlobUpload();
  return {to_bytes(b.getContentHash()), b.getOffset(), b.getTotalSize(), to_bytes(b.getData())};
}

BlobDownload read_blob_download(Body::Reader body) {
  auto b = body.getBlobDownload();
  return {to_bytes(b.getContentHash()), b.getOffset(), b.getLength()};
}

BlobData read_blob_data(Body::Reader body) {
  auto b = body.getBlobData();
  return {to_bytes(b.getContentHash()), b.getOffset(), b.getTotalSize(), to_bytes(b.getData())};
}

void write(Body::Builder body, const BlobStatus& f) { body.initBlobStatus().setContentHash(as_data(f.content_hash)); }

void write(Body::Builder body, const BlobState& f) {
  auto b = body.initBlobState();
  b.setContentHash(as_data(f.content_hash));
  b.setTotalSize(f.total_size);
  b.setReceived(f.received);
  b.setComplete(f.complete);
}

void write(Body::Builder body, const BlobFetched& f) { body.initBlobFetched().setContentHash(as_data(f.content_hash)); }

BlobFetched read_blob_fetched(Body::Reader body) { return {to_bytes(body.getBlobFetched().getContentHash())}; }

BlobStatus read_blob_status(Body::Reader body) { return {to_bytes(body.getBlobStatus().getContentHash())}; }

BlobState read_blob_state(Body::Reader body) {
  auto b = body.getBlobState();
  return {to_bytes(b.getContentHash()), b.getTotalSize(), b.getReceived(), b.getComplete()};
}

std::size_t estimate_words(const BlobUpload& f) { return 16 + words_for(f.data); }
std::size_t estimate_words(const BlobData& f) { return 16 + words_for(f.data); }

}  // namespace parley::wire::body_codec
