#include "sessions.h"

#include "parley/protocol/padding.h"
#include "parley/wire/capnp_codec.h"
#include "parley/wire/device_ciphertext.h"

namespace parley::client::engine {

using core::Errc;

core::Result<std::vector<protocol::fanout::SessionView>> Sessions::views(const DeviceListCache& lists) {
  PARLEY_TRY(const auto summaries, ctx_.store.session_summaries());
  std::vector<protocol::fanout::SessionView> out;
  out.reserve(summaries.size());
  for (auto s : summaries) {
    const auto* list = lists.find(s.account);
    const auto current = list == nullptr ? s.incarnation : list->incarnation(s.device, s.incarnation);
    if (list != nullptr && current != s.incarnation) {
      const auto* listed = list->list.find(s.device);
      if (s.incarnation != 0 && listed != nullptr && listed->identity_key == s.identity_key) {
        PARLEY_CHECK(ctx_.store.delete_session(s.account, s.device));
        continue;
      }
      if (s.incarnation == 0) {
        PARLEY_CHECK(ctx_.store.set_session_incarnation(s.account, s.device, current));
        s.incarnation = current;
      }
    }
    out.push_back({{s.account, s.device}, s.identity_key, s.incarnation});
  }
  return out;
}

core::Result<void> Sessions::start_from(const wire::PreKeyBundles& reply, const DeviceListCache& lists) {
  const auto* list = lists.find(reply.account);
  for (const auto& w : reply.bundles) {
    auto bundle = wire::to_protocol_bundle(w);
    if (!bundle.ok() || !bundle->has_value()) continue;  // malformed, or nothing uploaded yet
    const auto& b = **bundle;
    const auto* listed = list == nullptr ? nullptr : list->list.find(b.device_id);
    if (listed == nullptr || listed->identity_key != b.identity_key) continue;
    PARLEY_TRY(const auto existing, ctx_.store.session(reply.account, b.device_id));
    if (existing) continue;  // a session came in meanwhile (their prekey message)
    if (!protocol::verify_bundle(b).ok()) continue;
    StoredSession session{reply.account, b.device_id, w.incarnation, b.identity_key, {}};
    if (!protocol::start_session(session.record, ctx_.identity.identity,
                                 protocol::RegistrationId{ctx_.identity.registration_id}, b, ctx_.entropy)
             .ok())
      continue;
    PARLEY_CHECK(ctx_.store.save_session(session));
  }
  return {};
}

core::Result<core::Bytes> Sessions::encrypt(const protocol::fanout::DeviceAddress& to, const wire::Content& content,
                                            std::uint64_t retry_of) {
  PARLEY_TRY(auto stored, ctx_.store.session(to.account, to.device));
  if (!stored) return core::make_error(Errc::no_session, "no session with a device the plan says has one");
  PARLEY_TRY(const auto encoded, wire::encode_content(content));
  PARLEY_TRY(const auto padded, protocol::pad_plaintext(encoded, ctx_.entropy));
  const wire::CapnpCodec codec;
  PARLEY_TRY(const auto message, protocol::session_encrypt(stored->record, padded, codec));
  PARLEY_CHECK(ctx_.store.save_session(*stored));  // the ratchet moved: saved with the unit of work
  return wire::encode_device_ciphertext(message, retry_of);
}

}  // namespace parley::client::engine
