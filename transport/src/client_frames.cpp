#include "parley/transport/client_frames.h"

#include "parley/transport/frames_capnp.h"

namespace parley::transport {

namespace {

capnp::Data::Reader data(core::BytesView b) { return {b.data(), b.size()}; }

void fill(wire::Register::Builder r, const RegisterRequest& request) {
  r.setIdentityKey(data(request.identity_key));
  r.setNoiseStaticKey(data(request.noise_static_key));
  r.setNoiseKeySignature(data(request.noise_key_signature));
  r.setRegistrationId(request.registration_id);
}

}  // namespace

core::Result<core::Bytes> encode_register(std::uint32_t request_id, const RegisterRequest& request) {
  return encode_frame(request_id, 32, [&](wire::Frame::Builder root) { fill(root.getBody().initRegister(), request); });
}

core::Result<core::Bytes> encode_link_device(std::uint32_t request_id, const RegisterRequest& companion) {
  return encode_frame(request_id, 32,
                      [&](wire::Frame::Builder root) { fill(root.getBody().initLinkDevice(), companion); });
}

core::Result<core::Bytes> encode_remove_device(std::uint32_t request_id, std::uint32_t device) {
  return encode_frame(request_id, 4,
                      [&](wire::Frame::Builder root) { root.getBody().initRemoveDevice().setDeviceId(device); });
}

core::Result<core::Bytes> encode_send(std::uint32_t request_id, std::uint64_t client_message_id,
                                      std::uint64_t destination_account, std::span<const SendTarget> targets,
                                      std::uint64_t retry_of) {
  std::size_t words = 8;
  for (const auto& t : targets) words += 4 + t.ciphertext.size() / 8 + 1;
  return encode_frame(request_id, words, [&](wire::Frame::Builder root) {
    auto s = root.getBody().initSend();
    s.setClientMessageId(client_message_id);
    s.setDestinationAccount(destination_account);
    s.setRetryOf(retry_of);
    auto list = s.initCiphertexts(static_cast<unsigned>(targets.size()));
    for (unsigned i = 0; i < targets.size(); ++i) {
      list[i].setDeviceId(targets[i].device);
      list[i].setIncarnation(targets[i].incarnation);
      list[i].setCiphertext(data(targets[i].ciphertext));
    }
  });
}

core::Result<core::Bytes> encode_ack(std::uint64_t server_id) {
  return encode_frame(0, 4, [&](wire::Frame::Builder root) { root.getBody().initAck().setServerId(server_id); });
}

core::Result<core::Bytes> encode_fetch_prekeys(std::uint32_t request_id, std::uint64_t account) {
  return encode_frame(request_id, 4,
                      [&](wire::Frame::Builder root) { root.getBody().initFetchPreKeys().setAccountId(account); });
}

}  // namespace parley::transport
