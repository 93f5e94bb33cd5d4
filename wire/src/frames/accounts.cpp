// spec §7.2: register, login, link and remove.
#include "body_codec.h"

namespace parley::wire::body_codec {

namespace {

void fill(schema::Register::Builder r, const DeviceKeys& k) {
  r.setIdentityKey(as_data(k.identity_key));
  r.setNoiseStaticKey(as_data(k.noise_static_key));
  r.setNoiseKeySignature(as_data(k.noise_key_signature));
  r.setRegistrationId(k.registration_id);
}

DeviceKeys keys_of(schema::Register::Reader r) {
  return {to_bytes(r.getIdentityKey()), to_bytes(r.getNoiseStaticKey()), to_bytes(r.getNoiseKeySignature()), r.getRegistrationId()};
}

}  // namespace

void write(Body::Builder body, const Register& f) { fill(body.initRegister(), f.keys); }
void write(Body::Builder body, const LinkDevice& f) { fill(body.initLinkDevice(), f.companion); }

void write(Body::Builder body, const Login& f) {
  auto l = body.initLogin();
  l.setAccountId(f.account);
  l.setDeviceId(f.device);
}

void write(Body::Builder body, const LoggedIn& f) {
  auto l = body.initLoggedIn();
  l.setAccountId(f.account);
  l.setDeviceId(f.device);
  l.setIncarnation(f.incarnation);
  if (!f.link_approval.empty()) l.setLinkApproval(as_data(f.link_approval));
}

void write(Body::Builder body, const DeviceLinked& f) {
  auto l = body.initDeviceLinked();
  l.setAccountId(f.account);
  l.setDeviceId(f.device);
  l.setIncarnation(f.incarnation);
}

void write(Body::Builder body, const RemoveDevice& f) { body.initRemoveDevice().setDeviceId(f.device); }

void write(Body::Builder body, const LinkApproval& f) {
  auto a = body.initLinkApproval();
  a.setDeviceId(f.device);
  a.setApproval(as_data(f.approval));
}

void write(Body::Builder body, const LinkConfirmation& f) {
  auto c = body.initLinkConfirmation();
  c.setDeviceId(f.device);
  c.setSignedIdentity(as_data(f.signed_identity));
}

Register read_register(Body::Reader body) { return {keys_of(body.getRegister())}; }
LinkDevice read_link_device(Body::Reader body) { return {keys_of(body.getLinkDevice())}; }

Login read_login(Body::Reader body) {
  auto l = body.getLogin();
  return {l.getAccountId(), l.getDeviceId()};
}

LoggedIn read_logged_in(Body::Reader body) {
  auto l = body.getLoggedIn();
  return {l.getAccountId(), l.getDeviceId(), l.getIncarnation(), to_bytes(l.getLinkApproval())};
}

DeviceLinked read_device_linked(Body::Reader body) {
  auto l = body.getDeviceLinked();
  return {l.getAccountId(), l.getDeviceId(), l.getIncarnation()};
}

RemoveDevice read_remove_device(Body::Reader body) { return {body.getRemoveDevice().getDeviceId()}; }

LinkApproval read_link_approval(Body::Reader body) {
  auto a = body.getLinkApproval();
  return {a.getDeviceId(), to_bytes(a.getApproval())};
}

LinkConfirmation read_link_confirmation(Body::Reader body) {
  auto c = body.getLinkConfirmation();
  return {c.getDeviceId(), to_bytes(c.getSignedIdentity())};
}

}  // namespace parley::wire::body_codec
