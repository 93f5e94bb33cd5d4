// spec §7.2, §8.3: device lists at the server.
#include "body_codec.h"

namespace parley::wire::body_codec {

void write(Body::Builder body, const GetDeviceList& f) { body.initGetDeviceList().setAccountId(f.account); }

void write(Body::Builder body, const PutDeviceList& f) {
  auto d = body.initPutDeviceList();
  d.setAccountId(f.account);
  d.setVersion(f.version);
  d.setSignedList(as_data(f.signed_list));
}

void write(Body::Builder body, const DeviceListReply& f) {
  auto d = body.initDeviceList();
  d.setAccountId(f.account);
  d.setSignedList(as_data(f.signed_list));
  d.setVersion(f.version);
  auto incarnations = d.initIncarnations(static_cast<unsigned>(f.incarnations.size()));
  unsigned i = 0;
  for (const auto& [device, incarnation] : f.incarnations) {
    incarnations[i].setDeviceId(device);
    incarnations[i].setIncarnation(incarnation);
    ++i;
  }
}

GetDeviceList read_get_device_list(Body::Reader body) { return {body.getGetDeviceList().getAccountId()}; }

PutDeviceList read_put_device_list(Body::Reader body) {
  auto d = body.getPutDeviceList();
  return {d.getAccountId(), d.getVersion(), to_bytes(d.getSignedList())};
}

DeviceListReply read_device_list(Body::Reader body) {
  auto d = body.getDeviceList();
  DeviceListReply out{d.getAccountId(), d.getVersion(), to_bytes(d.getSignedList()), {}};
  for (auto i : d.getIncarnations()) out.incarnations[i.getDeviceId()] = i.getIncarnation();
  return out;
}

std::size_t estimate_words(const PutDeviceList& f) { return 16 + words_for(f.signed_list); }
std::size_t estimate_words(const DeviceListReply& f) { return 16 + words_for(f.signed_list) + 2 * f.incarnations.size(); }

}  // namespace parley::wire::body_codec
