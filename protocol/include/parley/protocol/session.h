// Sessions with one remote device (spec §5.5): the current session plus archived ones, prekey
// messages, and the actions a driver must carry out or confirm.
#pragma once

#include <deque>
#include <optional>
#include <variant>
#include <vector>

#include "parley/protocol/ratchet.h"

namespace parley::protocol {

// The responder's own keys, looked up by the ids a prekey message names.
class PreKeyStore {
 public:
  virtual ~PreKeyStore() = default;
  virtual const X25519KeyPair& identity() const = 0;
  virtual RegistrationId registration_id() const = 0;
  // Null when unknown (also: a previous signed prekey past its grace period).
  virtual const SignedPreKey* signed_prekey(SignedPreKeyId id) const = 0;
  virtual const OneTimePreKey* one_time_prekey(PreKeyId id) const = 0;
};

struct SessionRecord {
  std::optional<SessionState> current;
  std::deque<SessionState> archived;  // newest first, at most kMaxArchivedSessions
  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

// Actions the driver carries out when it commits a receive.
struct ConsumeOneTimePreKey {
  PreKeyId id;  // delete it from the store: only now, after the first message authenticated
};
struct IdentityChanged {
  X25519PublicKey previous;
  X25519PublicKey current;  // the driver must accept this before committing the plan
};
using Action = std::variant<ConsumeOneTimePreKey, IdentityChanged>;

struct ReceiveResult {
  enum class Where { current, archived, new_session };
  Where where = Where::current;
  std::size_t archived_index = 0;
  std::optional<SessionState> new_session;
  ReceivePlan ratchet;
  std::vector<Action> actions;
  const core::Bytes& plaintext() const { return ratchet.plaintext; }
};

enum class MessageType : std::uint8_t { whisper = 2, prekey = 3 };  // libsignal's CiphertextMessage types
struct OutgoingMessage {
  MessageType type;
  core::Bytes wire;
};

// Starts a new session as initiator from a verified bundle (the current one is archived).
core::Result<void> start_session(SessionRecord& record, const X25519KeyPair& our_identity,
                                 RegistrationId our_registration_id, const PreKeyBundle& bundle,
                                 crypto::Entropy& entropy);

// Encrypts on the current session: a prekey message until the first reply arrived (spec §5.5).
// No current session: `no_session`.
core::Result<OutgoingMessage> session_encrypt(SessionRecord& record, core::BytesView plaintext,
                                              const MessageCodec& codec);

// Plans the receipt of a SignalMessage: the current session first, then the archived ones, all on
// one budget of chain steps (spec §5.5); `budget`, if given, is that budget (and says what was spent).
core::Result<ReceiveResult> plan_receive(const SessionRecord& record, const ReceivedSignalMessage& message,
                                         crypto::Entropy& entropy, ReceiveBudget* budget = nullptr);

// Plans the receipt of a PreKeySignalMessage: in the session its base key made if there is one,
// else in a new session from X3DH (unknown prekey ids: `unknown_prekey`).
core::Result<ReceiveResult> plan_receive_prekey(const SessionRecord& record, const PreKeySignalMessage& message,
                                                const PreKeyStore& keys, const MessageCodec& codec,
                                                crypto::Entropy& entropy);

// Decodes `wire` as `type` with `codec` and plans its receipt: the one entry point a driver needs
// for bytes off the wire.
core::Result<ReceiveResult> plan_receive_wire(const SessionRecord& record, MessageType type, core::BytesView wire,
                                              const PreKeyStore& keys, const MessageCodec& codec,
                                              crypto::Entropy& entropy);

// Applies a plan. A plan carrying IdentityChanged must only be committed once the change was accepted.
void commit_receive(SessionRecord& record, ReceiveResult&& result);

// Ends the current session (spec §5.5): it is archived, the next message needs a fresh bundle.
void close_session(SessionRecord& record);

}  // namespace parley::protocol
