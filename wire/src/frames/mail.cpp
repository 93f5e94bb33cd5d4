// spec §7.3, §8.5: sends, delivery, acknowledgements and retry requests.
#include "body_codec.h"

namespace parley::wire::body_codec {

void write(Body::Builder body, const Send& f) {
  auto s = body.initSend();
  s.setClientMessageId(f.client_message_id);
  s.setDestinationAccount(f.destination);
  s.setRetryOf(f.retry_of);
  auto list = s.initCiphertexts(static_cast<unsigned>(f.targets.size()));
  for (unsigned i = 0; i < f.targets.size(); ++i) {
    list[i].setDeviceId(f.targets[i].device);
    list[i].setIncarnation(f.targets[i].incarnation);
    list[i].setCiphertext(as_data(f.targets[i].ciphertext));
  }
  if (f.blob_refs.empty()) return;
  auto refs = s.initBlobRefs(static_cast<unsigned>(f.blob_refs.size()));
  for (unsigned i = 0; i < f.blob_refs.size(); ++i) refs.set(i, as_data(f.blob_refs[i]));
}

void write(Body::Builder body, const SendAck& f) {
  auto a = body.initSendAck();
  a.setClientMessageId(f.client_message_id);
  a.setServerId(f.server_id);
  a.setServerTimestampMs(f.server_timestamp_ms);
}

void write(Body::Builder body, const Deliver& f) {
  auto d = body.initDeliver();
  d.setServerId(f.server_id);
  d.setServerTimestampMs(f.server_timestamp_ms);
  d.setSenderAccount(f.sender_account);
  d.setSenderDevice(f.sender_device);
  d.setCiphertext(as_data(f.ciphertext));
}

void write(Body::Builder body, const Ack& f) { body.initAck().setServerId(f.server_id); }
void write(Body::Builder body, const QueueEmpty&) { body.setQueueEmpty(); }
void write(Body::Builder body, const RetiredReceipt&) { body.initReceipt(); }

void write(Body::Builder body, const RetryRequest& f) {
  auto r = body.initRetryRequest();
  r.setAccount(f.account);
  r.setDevice(f.device);
  r.setServerId(f.server_id);
  r.setAttempt(f.attempt);
  if (f.bundle) write_bundle(r.initBundle(), *f.bundle);
}

Send read_send(Body::Reader body) {
  auto s = body.getSend();
  Send out{s.getClientMessageId(), s.getDestinationAccount(), {}, s.getRetryOf()};
  const auto list = s.getCiphertexts();
  out.targets.reserve(list.size());
  for (auto c : list) out.targets.push_back({c.getDeviceId(), c.getIncarnation(), to_bytes(c.getCiphertext())});
  const auto refs = s.getBlobRefs();
  out.blob_refs.reserve(refs.size());
  for (auto r : refs) out.blob_refs.push_back(to_bytes(r));
  return out;
}

SendAck read_send_ack(Body::Reader body) {
  auto a = body.getSendAck();
  return {a.getClientMessageId(), a.getServerId(), a.getServerTimestampMs()};
}

Deliver read_deliver(Body::Reader body) {
  auto d = body.getDeliver();
  return {d.getServerId(), d.getServerTimestampMs(), d.getSenderAccount(), d.getSenderDevice(), to_bytes(d.getCiphertext())};
}

Ack read_ack(Body::Reader body) { return {body.getAck().getServerId()}; }

RetryRequest read_retry_request(Body::Reader body) {
  auto r = body.getRetryRequest();
  RetryRequest out{r.getAccount(), r.getDevice(), r.getServerId(), r.getAttempt(), {}};
  if (r.hasBundle()) out.bundle = read_bundle(r.getBundle());
  return out;
}

std::size_t estimate_words(const Send& f) {
  std::size_t words = 8;
  for (const auto& t : f.targets) words += 4 + words_for(t.ciphertext);
  for (const auto& r : f.blob_refs) words += 1 + words_for(r);
  return words;
}

std::size_t estimate_words(const Deliver& f) { return 16 + words_for(f.ciphertext); }

}  // namespace parley::wire::body_codec
