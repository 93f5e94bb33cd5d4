// The adversary of spec §9 for the in-memory simulation: it sits in the server's place (a Tap) with
// the powers the server and the network have over every frame, and it holds the keys of some
// ordinary devices (its own accounts, and fakes it plants in lists and bundles), which can send
// whatever a modified client could.
//
// Its powers over frames to an honest device: drop, delay (and release later, out of order),
// duplicate, replay an earlier delivery, and rewrite what the server controls (a delivery's sender
// fields, the device lists and bundles it serves, the retry requests it relays). What it injects it
// builds from keys it owns. It records what would show that a promise broke: every honest send to a
// device that does not exist, and every plaintext its own devices read (the test decides which of
// those were not for it). Every ciphertext an honest device writes for an address where it planted
// a key is handed to the device that holds that key: the adversary tries what it has on all it gets.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "parley/protocol/devices/device_identity.h"
#include "parley/protocol/devices/device_list.h"
#include "parley/protocol/padding.h"
#include "parley/wire/capnp_codec.h"
#include "parley/wire/content.h"
#include "parley/wire/device_ciphertext.h"
#include "sim_network.h"

namespace parley::client::testing {

class Adversary final : public Tap {
 public:
  // A device id no account uses: the extra device a forged own list names.
  static constexpr std::uint32_t kPlantedDevice = 9;

  explicit Adversary(SimNetwork& net) : net_(net) { net_.set_tap(this); }
  ~Adversary() override { net_.set_tap(nullptr); }
  Adversary(const Adversary&) = delete;
  Adversary& operator=(const Adversary&) = delete;

  // A device whose keys the adversary holds (registered through the real server, like anyone).
  void own(const std::string& device) { owned_.insert(device); }
  bool owns(const std::string& device) const { return owned_.contains(device); }

  // --- Over frames to an honest device (the network's powers, and the server's) --------------
  void drop(const std::string& device, int frames) { rules_[device].drop += frames; }
  void duplicate(const std::string& device, int frames) { rules_[device].duplicate += frames; }
  // The next frames are held back until release(); whatever comes meanwhile overtakes them.
  void delay(const std::string& device, int frames) { rules_[device].delay += frames; }
  void release(const std::string& device) {
    auto held = std::exchange(held_[device], {});
    for (const auto& f : held) net_.inject(device, f);
  }
  // An earlier delivery to the device, again (`pick` chooses which); false if there was none.
  bool replay(const std::string& device, std::size_t pick) {
    const auto& seen = seen_[device];
    if (seen.empty()) return false;
    net_.inject(device, seen[pick % seen.size()]);
    return true;
  }
  // The server answers the device's next sends with deviceMismatch (the first device stale), as if
  // its lists and the server's registry disagreed.
  void refuse_sends(const std::string& device, int sends) { rules_[device].refuse_sends += sends; }
  // The next deliveries to the device name another sender.
  void rewrite_sender(const std::string& device, int frames, std::uint64_t account, std::uint32_t sender_device) {
    auto& r = rules_[device];
    r.rewrite += frames;
    r.as = {account, sender_device};
  }

  // --- Over what the server serves ---------------------------------------------------------------
  // Every companion's own device list is answered with one that names `fake` as the primary and as an
  // extra device (kPlantedDevice), signed by `fake`'s key; its bundles for those devices are `fake`'s.
  void forge_own_lists(const std::string& fake) { own_list_fake_ = fake; }
  // Every bundle an honest device fetches is `fake`'s keys in place of the device's.
  void substitute_bundles(const std::string& fake) { bundle_fake_ = fake; }

  // --- Injected, from keys it owns ---------------------------------------------------------------
  // `forger` writes `text` to `victim_account` as itself; each copy reaches the victim's device as
  // if (claimed_account, claimed_device) had sent it (the copy the server carries arrives too, from
  // the forger, as what it is).
  void impersonate(const std::string& forger, std::uint64_t victim_account, std::uint64_t claimed_account,
                   std::uint32_t claimed_device, const std::string& text) {
    forging_[forger] = {claimed_account, claimed_device};
    net_.send(forger, victim_account, text);
    forging_.erase(forger);
    net_.settle();
  }
  // The server pushes `victim` a retry request for `server_id` said to come from (account, device),
  // with `fake`'s bundle as that device's: a resend would start a session with the fake's keys.
  void relay_retry(const std::string& victim, std::uint64_t account, std::uint32_t device, std::uint64_t server_id,
                   const std::string& fake) {
    plant(account, device, fake);
    wire::RetryRequest request{account, device, server_id, 2, bundle_of(fake, device, 1)};
    net_.inject(victim, wire::Frame{0, request});
    net_.settle();
  }
  // A contact's modified client asks `victim` (account, device) to send `server_id` again.
  void ask_retry(const std::string& asker, std::uint64_t victim_account, std::uint32_t victim_device,
                 std::uint64_t server_id, std::uint32_t attempt) {
    wire::RetryRequest request{victim_account, victim_device, server_id, attempt, std::nullopt};
    if (attempt >= 2) {
      const auto& me = net_.device(asker).engine->identity();
      request.bundle = bundle_of(asker, me.device, me.incarnation);
    }
    net_.write(asker, wire::Frame{0, request});
    net_.settle();
  }
  // A modified client: `from` (a device the adversary owns) writes `content` to the device `to` in
  // the session it has with it, whatever the content says; the server delivers it.
  void write_content(const std::string& from, const std::string& to, const wire::Content& content) {
    auto& me = net_.device(from);
    const auto& id = me.engine->identity();
    const auto& peer = net_.device(to).engine->identity();
    auto session = me.store->session(peer.account, peer.device).value();
    ASSERT_TRUE(session.has_value()) << from << " has no session with " << to;
    const auto padded = protocol::pad_plaintext(wire::encode_content(content).value(), entropy_).value();
    const auto message = protocol::session_encrypt(session->record, padded, wire::CapnpCodec{}).value();
    ASSERT_TRUE(me.store->save_session(*session).ok());
    net_.inject(to, wire::Frame{0, wire::Deliver{next_fake_id_++, net_.clock_ms, id.account, id.device, wire::encode_device_ciphertext(message)}});
    net_.settle();
  }
  // The last delivery the server made to the device, if any.
  std::optional<wire::Deliver> last_delivery(const std::string& device) {
    const auto& seen = seen_[device];
    if (seen.empty()) return std::nullopt;
    return *seen.back().get<wire::Deliver>();
  }
  // Bundle fetches the device asked for.
  int fetches(const std::string& device) const { return fetches_.contains(device) ? fetches_.at(device) : 0; }
  // A contact's modified client fetches an account's bundles `times` times, as fast as it can.
  void drain_prekeys(const std::string& asker, std::uint64_t account, int times) {
    for (int i = 0; i < times; ++i) net_.write(asker, wire::Frame{0, wire::FetchPreKeys{account}});
    net_.settle();
  }

  // The adversary stops interfering: no more rules or forgeries, what it held back is delivered.
  void stop() {
    rules_.clear();
    own_list_fake_.reset();
    bundle_fake_.reset();
    for (auto& [device, held] : held_) {
      auto frames = std::exchange(held, {});
      if (net_.online(device))
        for (const auto& f : frames) net_.inject(device, f);
    }
  }

  // Every text a device the adversary owns has read.
  std::set<std::string> learnt() const {
    std::set<std::string> out;
    for (const auto& name : owned_)
      for (const auto& m : net_.device(name).events_of<MessageEvent>()) out.insert(m.message.body);
    return out;
  }
  // Server ids the server gave honest devices' sends (what a retry request can name).
  const std::vector<std::uint64_t>& honest_server_ids() const { return honest_server_ids_; }
  // Those of one device's sends, oldest first.
  std::vector<std::uint64_t> server_ids_of(const std::string& device) const {
    const auto it = server_ids_by_device_.find(device);
    return it == server_ids_by_device_.end() ? std::vector<std::uint64_t>{} : it->second;
  }
  // Honest sends to a device that exists in no account (one the adversary made up).
  const std::vector<std::string>& made_up_recipients() const { return made_up_; }

  std::vector<wire::Frame> to_device(const std::string& device, wire::Frame frame) override {
    if (owns(device)) return {std::move(frame)};
    if (frame.get<wire::Deliver>() != nullptr) {
      auto& seen = seen_[device];
      seen.push_back(frame);
      if (seen.size() > 64) seen.pop_front();
    }
    if (const auto* ack = frame.get<wire::SendAck>(); ack != nullptr && ack->server_id != 0)
    {
      honest_server_ids_.push_back(ack->server_id);
      server_ids_by_device_[device].push_back(ack->server_id);
    }
    serve(device, frame);
    auto& r = rules_[device];
    if (r.drop > 0) {
      --r.drop;
      return {};
    }
    if (r.delay > 0) {
      --r.delay;
      held_[device].push_back(std::move(frame));
      return {};
    }
    if (frame.get<wire::SendAck>() != nullptr && r.refuse_sends > 0) {
      --r.refuse_sends;
      wire::ErrorFrame refusal{wire::ErrorCode::device_mismatch, "stale (forged)", {}, {}, {1}, 0};
      return {wire::Frame{frame.request_id, refusal}};
    }
    if (auto* d = std::get_if<wire::Deliver>(&frame.body); d != nullptr && r.rewrite > 0) {
      --r.rewrite;
      d->sender_account = r.as.first;
      d->sender_device = r.as.second;
    }
    if (r.duplicate > 0) {
      --r.duplicate;
      return {frame, frame};
    }
    return {std::move(frame)};
  }

  std::vector<wire::Frame> from_device(const std::string& device, wire::Frame frame) override {
    if (frame.get<wire::FetchPreKeys>() != nullptr) ++fetches_[device];
    const auto* send = frame.get<wire::Send>();
    if (send == nullptr) return {std::move(frame)};
    const auto& me = net_.device(device).engine->identity();
    if (owns(device)) {
      // A forgery: each copy to the victim's device, under the claimed sender's name.
      if (const auto it = forging_.find(device); it != forging_.end())
        for (const auto& t : send->targets)
          if (const auto* victim = device_named(send->destination, t.device))
            net_.inject(*victim, wire::Frame{0, wire::Deliver{next_fake_id_++, net_.clock_ms, it->second.first, it->second.second, t.ciphertext}});
      return {std::move(frame)};
    }
    for (const auto& t : send->targets) {
      if (device_named(send->destination, t.device, true) == nullptr)
        made_up_.push_back(device + " encrypted to " + std::to_string(send->destination) + "/" + std::to_string(t.device));
      // What was written for an address the adversary planted a key at goes to that key's device.
      const auto planted = planted_.find({send->destination, t.device});
      if (planted == planted_.end()) continue;
      for (const auto& fake : planted->second)
        net_.inject(fake, wire::Frame{0, wire::Deliver{next_fake_id_++, net_.clock_ms, me.account, me.device, t.ciphertext}});
    }
    return {std::move(frame)};
  }

 private:
  struct Rules {
    int drop = 0, duplicate = 0, delay = 0, rewrite = 0, refuse_sends = 0;
    std::pair<std::uint64_t, std::uint32_t> as;
  };

  // The device named (account, device) in the simulation: the one connected if a device id was
  // linked more than once. `any`: one that is gone counts too.
  const std::string* device_named(std::uint64_t account, std::uint32_t device, bool any = false) const {
    const std::string* found = nullptr;
    for (const auto& [name, d] : net_.devices_) {
      const auto& id = d.engine->identity();
      if (id.account != account || id.device != device) continue;
      if (net_.online(name)) return &name;
      if (any) found = &name;
    }
    return found;
  }

  void plant(std::uint64_t account, std::uint32_t device, const std::string& fake) { planted_[{account, device}].insert(fake); }

  // `fake`'s keys as a bundle for `device` (no one-time prekey: it needs none).
  wire::DeviceBundle bundle_of(const std::string& fake, std::uint32_t device, std::uint64_t incarnation) {
    auto& d = net_.device(fake);
    const auto& id = d.engine->identity();
    const auto spk = d.store->signed_prekeys().value().back().key;
    const protocol::PreKeyBundle b{protocol::RegistrationId{id.registration_id}, device, id.identity.public_key, spk.id,
                                   spk.key.public_key, spk.signature, std::nullopt, std::nullopt};
    return wire::from_protocol_bundle(b, incarnation);
  }

  // The server's answers, rewritten as the adversary's rules say.
  void serve(const std::string& device, wire::Frame& frame) {
    const auto& me = net_.device(device).engine->identity();
    if (auto* reply = std::get_if<wire::DeviceListReply>(&frame.body)) {
      if (!own_list_fake_ || reply->account != me.account || me.device == protocol::devices::kPrimaryDevice) return;
      auto list = protocol::devices::decode_signed_device_list(reply->signed_list);
      if (!list.ok()) return;
      const auto& fake = net_.device(*own_list_fake_).engine->identity();
      list->devices.front().identity_key = fake.identity.public_key;
      if (list->devices.size() == protocol::devices::kMaxDevicesPerAccount) list->devices.pop_back();
      list->devices.push_back({kPlantedDevice, kPlantedDevice, fake.identity.public_key});
      list->version += 1;
      list->timestamp_ms = net_.clock_ms;
      reply->signed_list = protocol::devices::sign_device_list(*list, fake.identity, entropy_).value();
      reply->version = list->version;
      reply->incarnations[kPlantedDevice] = 1;
      plant(me.account, protocol::devices::kPrimaryDevice, *own_list_fake_);
      plant(me.account, kPlantedDevice, *own_list_fake_);
      forged_for_[device] = me.account;
      return;
    }
    if (auto* bundles = std::get_if<wire::PreKeyBundles>(&frame.body)) {
      if (own_list_fake_ && forged_for_.contains(device) && forged_for_.at(device) == bundles->account) {
        std::erase_if(bundles->bundles, [](const wire::DeviceBundle& b) { return b.device == protocol::devices::kPrimaryDevice; });
        bundles->bundles.push_back(bundle_of(*own_list_fake_, protocol::devices::kPrimaryDevice, 1));
        bundles->bundles.push_back(bundle_of(*own_list_fake_, kPlantedDevice, 1));
        return;
      }
      if (!bundle_fake_) return;
      for (auto& b : bundles->bundles) {
        plant(bundles->account, b.device, *bundle_fake_);
        b = bundle_of(*bundle_fake_, b.device, b.incarnation);
      }
    }
  }

  SimNetwork& net_;
  std::set<std::string> owned_;
  std::map<std::string, Rules> rules_;
  std::map<std::string, std::vector<wire::Frame>> held_;
  std::map<std::string, std::deque<wire::Frame>> seen_;
  std::map<std::string, std::pair<std::uint64_t, std::uint32_t>> forging_;  // forger -> claimed sender
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::set<std::string>> planted_;
  std::map<std::string, std::uint64_t> forged_for_;  // device -> the own account its list was forged for
  std::optional<std::string> own_list_fake_, bundle_fake_;
  std::vector<std::uint64_t> honest_server_ids_;
  std::map<std::string, std::vector<std::uint64_t>> server_ids_by_device_;
  std::vector<std::string> made_up_;
  std::map<std::string, int> fetches_;
  std::uint64_t next_fake_id_ = std::uint64_t{1} << 40;
  crypto::StreamEntropy entropy_{7};
};

}  // namespace parley::client::testing
