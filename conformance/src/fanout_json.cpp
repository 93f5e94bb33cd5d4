#include "fanout_json.h"

#include "parley/core/hex.h"

namespace parley::conformance::detail {

namespace fanout = protocol::fanout;
using Json = nlohmann::ordered_json;

namespace {

Json devices_json(const std::vector<fanout::ListedDevice>& devices) {
  Json out = Json::array();
  for (const auto& d : devices) out.push_back({{"device", d.device}, {"identity_key", core::to_hex(d.identity_key)}});
  return out;
}

Json addresses_json(const std::vector<fanout::DeviceAddress>& addresses) {
  Json out = Json::array();
  for (const auto& a : addresses) out.push_back({{"account", a.account}, {"device", a.device}});
  return out;
}

// Reads with nlohmann's checked accessors; any type error becomes the case's `malformed`.
template <typename Read>
auto guarded(const Case& c, const char* field, Read read) -> core::Result<decltype(read())> {
  try {
    return read();
  } catch (const std::exception& e) {  // nlohmann's type and range errors, and a bad key
    return c.field_error(field, e.what());
  }
}

crypto::X25519PublicKey key_from(const Json& j) {
  const auto bytes = core::from_hex(j.get<std::string>());
  crypto::X25519PublicKey key{};
  if (!bytes.ok() || bytes->size() != key.size()) throw std::invalid_argument("a 32-byte hex key");
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

std::vector<fanout::ListedDevice> devices_from(const nlohmann::json& j) {
  std::vector<fanout::ListedDevice> out;
  for (const auto& d : j) out.push_back({d.at("device").get<std::uint32_t>(), key_from(d.at("identity_key"))});
  return out;
}

}  // namespace

Json request_json(const fanout::FanoutRequest& r) {
  Json sessions = Json::array();
  for (const auto& s : r.sessions)
    sessions.push_back({{"account", s.address.account},
                        {"device", s.address.device},
                        {"identity_key", core::to_hex(s.identity_key)},
                        {"incarnation", s.incarnation}});
  return {{"self", {{"account", r.self.account}, {"device", r.self.device}}},
          {"peer_account", r.peer_account},
          {"peer_devices", devices_json(r.peer_devices)},
          {"own_devices", devices_json(r.own_devices)},
          {"copy_to_own_devices", r.copy_to_own_devices},
          {"sessions", std::move(sessions)}};
}

Json mismatch_json(const fanout::Mismatch& m) {
  return {{"account", m.account}, {"missing", m.missing}, {"extra", m.extra}, {"stale", m.stale}};
}

Json plan_json(const fanout::FanoutPlan& p) {
  Json encryptions = Json::array();
  for (const auto& e : p.encryptions)
    encryptions.push_back({{"account", e.to.account},
                           {"device", e.to.device},
                           {"payload", e.payload == fanout::Payload::message ? "message" : "sent_to_own_device"},
                           {"needs_bundle", e.needs_bundle},
                           {"incarnation", e.incarnation}});
  Json changes = Json::array();
  for (const auto& c : p.identity_changes)
    changes.push_back({{"account", c.device.account},
                       {"device", c.device.device},
                       {"old_key", core::to_hex(c.old_key)},
                       {"new_key", core::to_hex(c.new_key)}});
  return {{"encryptions", std::move(encryptions)}, {"identity_changes", std::move(changes)}, {"bundle_fetches", p.bundle_fetches}};
}

Json replan_json(const fanout::Replan& r) {
  return {{"account", r.account},
          {"keep", addresses_json(r.keep)},
          {"drop", addresses_json(r.drop)},
          {"encrypt_fresh", addresses_json(r.encrypt_fresh)},
          {"refresh_device_list", r.refresh_device_list}};
}

core::Result<fanout::FanoutRequest> read_fanout_request(const Case& c) {
  return guarded(c, "request", [&] {
    const auto& j = c.json().at("request");
    fanout::FanoutRequest r;
    r.self = {j.at("self").at("account").get<std::uint64_t>(), j.at("self").at("device").get<std::uint32_t>()};
    r.peer_account = j.at("peer_account").get<std::uint64_t>();
    r.peer_devices = devices_from(j.at("peer_devices"));
    r.own_devices = devices_from(j.at("own_devices"));
    r.copy_to_own_devices = j.value("copy_to_own_devices", true);  // absent in files before receipts
    for (const auto& s : j.at("sessions"))
      r.sessions.push_back({{s.at("account").get<std::uint64_t>(), s.at("device").get<std::uint32_t>()},
                            key_from(s.at("identity_key")),
                            s.at("incarnation").get<std::uint64_t>()});
    return r;
  });
}

core::Result<std::optional<fanout::Mismatch>> read_mismatch(const Case& c) {
  if (!c.has("mismatch")) return std::optional<fanout::Mismatch>{};
  return guarded(c, "mismatch", [&] {
    const auto& j = c.json().at("mismatch");
    return std::optional<fanout::Mismatch>(fanout::Mismatch{j.at("account").get<std::uint64_t>(),
                                                            j.at("missing").get<std::vector<std::uint32_t>>(),
                                                            j.at("extra").get<std::vector<std::uint32_t>>(),
                                                            j.at("stale").get<std::vector<std::uint32_t>>()});
  });
}

}  // namespace parley::conformance::detail
