# Parley's own wire layout of the two session messages (spec §5.7) and the persisted form of a
# session record (spec §5.8).
#
# Evolution: ordinals are never reused or renumbered and a field's type never changes. Fields may be
# added at the end; readers ignore fields they do not know. A change that old readers must not
# misread raises wireLayoutVersion (messages) or sessionRecordFormatVersion (records) instead.
#
# Keys: a public key is always its 33-byte serialization 0x05 || key (spec §3.1), so a reader
# rejects a wrong type byte or length with `bad_key` exactly as in the libsignal layout. Private
# keys, chain keys, root keys and message seeds are 32 raw bytes.

@0xd40bd6bbce472c9a;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("parley::wire::schema");

# The layout version inside every message struct. The frame's first byte is the session version
# byte (0x33), as in the libsignal layout; this one versions the Cap'n Proto layout itself.
const wireLayoutVersion :UInt8 = 1;

# The version of the session record format (spec §5.8).
const sessionRecordFormatVersion :UInt16 = 1;

# ---------------------------------------------------------------------------------------------
# Messages. A Parley frame is
#
#   SignalMessage frame       = V || flat message || MAC (8 bytes)
#   PreKeySignalMessage frame = V || flat message
#
# V is the session version byte; "flat message" is one Cap'n Proto message in the standard
# (unpacked) stream encoding with exactly one segment: a segment table of 8 bytes (segment count
# minus one = 0, then the segment size in words, both little-endian uint32) and the segment. The
# MAC covers V || flat message exactly as received; Cap'n Proto encodings are not canonical across
# writers, so a receiver never re-encodes before checking it.

struct SignalMessage {
  layoutVersion @0 :UInt8;       # wireLayoutVersion
  ratchetKey @1 :Data;           # 33 bytes: the sender's current ratchet public key
  counter @2 :UInt32;            # the message's index on the sending chain
  previousCounter @3 :UInt32;    # index of the last message on the previous sending chain
  ciphertext @4 :Data;           # AES-256-CBC / PKCS#7 of the plaintext
}

struct PreKeySignalMessage {
  layoutVersion @0 :UInt8;       # wireLayoutVersion
  registrationId @1 :UInt32;     # the initiator's registration id
  preKey :union {                # the responder's one-time prekey used by X3DH, if one was
    none @2 :Void;
    id @3 :UInt32;
  }
  signedPreKeyId @4 :UInt32;
  baseKey @5 :Data;              # 33 bytes: the initiator's X3DH base key
  identityKey @6 :Data;          # 33 bytes: the initiator's identity key
  message @7 :Data;              # a whole SignalMessage frame, MAC included
}

# ---------------------------------------------------------------------------------------------
# Session state persistence (spec §5.8): one SessionRecord per remote device, stored as a flat
# single-segment message without a frame byte or MAC (a device's own storage is trusted, §9).

struct SessionRecord {
  formatVersion @0 :UInt16;            # sessionRecordFormatVersion
  current @1 :SessionState;            # null: no current session
  archived @2 :List(SessionState);     # newest first, at most kMaxArchivedSessions
}

struct SessionState {
  versionByte @0 :UInt8;               # the first byte of every message this session sends
  localIdentity @1 :Data;              # 33 bytes
  remoteIdentity @2 :Data;             # 33 bytes
  localRegistrationId @3 :UInt32;
  remoteRegistrationId @4 :UInt32;
  baseKey @5 :Data;                    # 33 bytes: the initiator's base key (which X3DH run)
  rootKey @6 :Data;                    # 32 bytes, secret
  sender @7 :SenderChain;              # required
  previousCounter @8 :UInt32;
  receivers @9 :List(ReceiverChain);   # newest first, at most kMaxReceiverChains
  skipped @10 :SkippedKeys;            # null: none
  pendingPreKey @11 :PendingPreKey;    # null: the session is proven (spec §5.5)
}

struct SenderChain {
  ratchetPublicKey @0 :Data;           # 33 bytes
  ratchetPrivateKey @1 :Data;          # 32 bytes, secret
  chainKey @2 :Data;                   # 32 bytes, secret
  index @3 :UInt32;                    # counter of the next message on this chain
}

struct ReceiverChain {
  ratchetKey @0 :Data;                 # 33 bytes: the peer's ratchet public key
  chainKey @1 :Data;                   # 32 bytes, secret
  index @2 :UInt32;                    # counter of the next message expected on this chain
}

# Skipped message keys in the order they were stored, oldest first, so that a restored store is equal
# to the original. The ratchet keys they belong to are listed once (skipped keys belong to receiver
# chains, so there are at most kMaxReceiverChains) and referenced by index, which halves the size of
# a full store.
struct SkippedKeys {
  ratchetKeys @0 :List(Data);    # 33 bytes each; at most kMaxReceiverChains and no more than entries
  entries @1 :List(SkippedKey);  # at most kMaxSkippedMessageKeys per ratchet key; no (key, counter) twice
}

struct SkippedKey {
  ratchetKey @0 :UInt16;               # index into SkippedKeys.ratchetKeys
  counter @1 :UInt32;
  seed @2 :Data;                       # 32 bytes, secret: the message seed MK (spec §5.2)
}

struct PendingPreKey {
  preKey :union {
    none @0 :Void;
    id @1 :UInt32;
  }
  signedPreKeyId @2 :UInt32;
  baseKey @3 :Data;                    # 33 bytes: our base key
}
