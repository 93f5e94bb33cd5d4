# Client-server frames (spec §6.9): everything a device and the server say to each other inside the
# Noise transport, as one versioned union.
#
# Evolution as in session.capnp: ordinals are never reused or renumbered and a field's type never
# changes; new frame kinds and fields are added at the end. A change old readers must not misread
# raises frameProtocolVersion instead.
#
# A frame is one flat single-segment Cap'n Proto message (spec §5.7); one larger than a Noise
# transport payload is carried in chunks (spec §6.9, transport/frame_chunks.h).

@0xb7c1e5a3d29f4e61;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("parley::wire::schema");

const frameProtocolVersion :UInt16 = 1;

struct Frame {
  protocolVersion @0 :UInt16;    # frameProtocolVersion
  # Matches a response to its request; 0 for frames the server pushes (deliver, queueEmpty, ...).
  requestId @1 :UInt32;
  body :union {
    register @2 :Register;
    login @3 :Login;
    loggedIn @4 :LoggedIn;
    uploadPreKeys @5 :UploadPreKeys;
    fetchPreKeys @6 :FetchPreKeys;
    preKeyBundles @7 :PreKeyBundles;
    getDeviceList @8 :GetDeviceList;
    putDeviceList @9 :DeviceList;
    deviceList @10 :DeviceList;
    send @11 :Send;
    sendAck @12 :SendAck;
    deliver @13 :Deliver;
    ack @14 :Ack;
    receipt @15 :Receipt;
    blobUpload @16 :BlobUpload;
    blobDownload @17 :BlobDownload;
    blobData @18 :BlobData;
    queueEmpty @19 :Void;
    error @20 :Error;
    ok @21 :Void;                # a request that answers nothing else succeeded
    linkDevice @22 :Register;    # primary only: a companion's keys, as it would register them
    deviceLinked @23 :LoggedIn;  # the companion's account, new device id and incarnation
    removeDevice @24 :RemoveDevice;  # primary only
    linkApproval @25 :LinkApproval;  # primary: the approval for a companion it linked (spec §8.2)
    linkConfirmation @26 :LinkConfirmation;  # companion -> server -> its primary (a push)
    retryRequest @27 :RetryRequest;  # a device that could not decrypt -> server -> the sender device
    blobStatus @28 :BlobStatus;      # where does this upload continue? (spec §7.1)
    blobState @29 :BlobState;        # the reply to blobStatus
    blobFetched @30 :BlobFetched;    # a recipient device holds the blob: the server may delete it (spec §7.1)
    groupLogAppend @31 :GroupLogAppend;  # the next signed entry of a group's membership log (spec §11.2)
    groupLogFetch @32 :GroupLogFetch;    # a group's log from a version on
    groupLog @33 :GroupLog;              # the reply to groupLogFetch
    groupSend @34 :GroupSend;            # one sender-key ciphertext for every member device (spec §11.3); answered sendAck
  }
}

# Registration of an account with its primary device (spec §7.2).
struct Register {
  identityKey @0 :Data;          # 33 bytes
  noiseStaticKey @1 :Data;       # 32 bytes: the key this device's Noise handshakes use
  noiseKeySignature @2 :Data;    # 64 bytes: XEdDSA by identityKey over the Noise static key
  registrationId @3 :UInt32;
}

# A device authenticates with its Noise static key; the frame names which account and device.
struct Login {
  accountId @0 :UInt64;
  deviceId @1 :UInt32;
}

struct LoggedIn {
  accountId @0 :UInt64;
  deviceId @1 :UInt32;
  incarnation @2 :UInt64;        # a re-linked device id never sees the old queue
  linkApproval @3 :Data;         # a companion's first login by key: its primary's approval, if any
}

struct RetryRequest {
  account @0 :UInt64;            # sent: the message's sender; pushed: the device asking
  device @1 :UInt32;
  serverId @2 :UInt64;           # the message, as it was delivered
  attempt @3 :UInt32;            # 1 to 5 (spec §8.5)
  bundle @4 :PreKeyBundle;       # from the second attempt: the asking device's fresh bundle
}

struct LinkApproval {
  deviceId @0 :UInt32;           # the companion linkDevice created
  approval @1 :Data;             # spec §8.2's approval, MACed with the QR code's link secret
}

struct LinkConfirmation {
  deviceId @0 :UInt32;           # set by the server when it pushes it to the primary
  signedIdentity @1 :Data;       # spec §8.2's signed device identity
}

struct RemoveDevice {
  deviceId @0 :UInt32;           # never the primary (1)
}

struct SignedPreKey {
  id @0 :UInt32;
  publicKey @1 :Data;            # 33 bytes
  signature @2 :Data;            # 64 bytes
}

struct OneTimePreKey {
  id @0 :UInt32;
  publicKey @1 :Data;            # 33 bytes
}

struct UploadPreKeys {
  signedPreKey @0 :SignedPreKey;           # null: keep the current one
  oneTimePreKeys @1 :List(OneTimePreKey);  # at most 100 per request
}

struct FetchPreKeys {
  accountId @0 :UInt64;          # bundles for every device of this account
}

struct PreKeyBundle {
  deviceId @0 :UInt32;
  registrationId @1 :UInt32;
  identityKey @2 :Data;          # 33 bytes
  signedPreKey @3 :SignedPreKey;
  oneTimePreKey @4 :OneTimePreKey;  # null: the stock ran out
  incarnation @5 :UInt64;        # what a send to this device names (deviceMismatch stale otherwise)
}

struct PreKeyBundles {
  accountId @0 :UInt64;
  bundles @1 :List(PreKeyBundle);
}

struct GetDeviceList {
  accountId @0 :UInt64;
}

# The signed layout is defined by the multi-device chapter; the server stores and serves the bytes.
struct DeviceList {
  accountId @0 :UInt64;
  signedList @1 :Data;
  # The list's version, as signed inside signedList (the server checks that they agree, spec
  # §7.2); a put must raise it (no rollback).
  version @2 :UInt64;
  incarnations @3 :List(DeviceIncarnation);  # deviceList only: what a send to each device names
}

struct DeviceIncarnation {
  deviceId @0 :UInt32;
  incarnation @1 :UInt64;
}

struct DeviceCiphertext {
  deviceId @0 :UInt32;
  incarnation @1 :UInt64;
  ciphertext @2 :Data;           # at most 96 KiB (max_message_size, spec §7.1)
}

# One ciphertext per destination device, checked all or nothing against the device list.
struct Send {
  clientMessageId @0 :UInt64;    # idempotency key with the sender device
  destinationAccount @1 :UInt64;
  ciphertexts @2 :List(DeviceCiphertext);
  retryOf @3 :UInt64;            # nonzero: a resend of that message to exactly one device (spec §8.5)
  blobRefs @4 :List(Data);       # the content hashes of the blobs the message names: each destination device may download them (spec §7.1)
}

# The single tick: the send is committed for every destination device.
struct SendAck {
  clientMessageId @0 :UInt64;
  serverId @1 :UInt64;
  serverTimestampMs @2 :UInt64;
}

struct Deliver {
  serverId @0 :UInt64;
  serverTimestampMs @1 :UInt64;
  senderAccount @2 :UInt64;
  senderDevice @3 :UInt32;
  ciphertext @4 :Data;
}

# The message is safe on the device; the server may delete it.
struct Ack {
  serverId @0 :UInt64;
}

# Retired before any use: receipts are end-to-end encrypted contents sent like messages (spec
# §10.2), so the server refuses this frame (`unsupported`). The number stays taken.
struct Receipt {
  peerAccount @0 :UInt64;        # the destination when sent, the source when delivered
  peerDevice @1 :UInt32;
  body @2 :Data;
}

struct BlobUpload {
  contentHash @0 :Data;          # 32 bytes: SHA-256 of the whole encrypted blob
  offset @1 :UInt64;
  totalSize @2 :UInt64;
  data @3 :Data;
}

struct BlobDownload {
  contentHash @0 :Data;
  offset @1 :UInt64;             # resumable download by range
  length @2 :UInt64;
}

# device -> server: how much of a blob the server holds, so that an upload broken off by a dropped
# connection or a restart of either side continues where the server's bytes end (spec §7.1).
struct BlobStatus {
  contentHash @0 :Data;
}

# server -> device: the reply to blobStatus (a blob the server does not hold: error notFound).
struct BlobState {
  contentHash @0 :Data;
  totalSize @1 :UInt64;
  received @2 :UInt64;           # the next upload chunk starts here
  complete @3 :Bool;             # every byte received and the hash checked: nothing to upload
}

# device -> server: this recipient device has downloaded and checked the blob; once every device it
# was sent to has said so, the server deletes it (spec §7.1). Answered with ok.
struct BlobFetched {
  contentHash @0 :Data;
}

struct BlobData {
  contentHash @0 :Data;
  offset @1 :UInt64;
  totalSize @2 :UInt64;
  data @3 :Data;
}

enum ErrorCode {
  malformed @0;
  unsupportedVersion @1;
  unauthorized @2;
  deviceMismatch @3;             # see missingDevices, extraDevices, staleDevices
  rateLimited @4;
  queueFull @5;
  messageTooLarge @6;
  storageFailure @7;             # nothing was acknowledged; retry later
  notFound @8;
  conflict @9;                   # another connection of this device replaced this one
  prekeysLow @10;                # a warning: upload more one-time prekeys
  unsupported @11;               # a frame kind this server does not implement (yet)
  quotaExceeded @12;             # an upload past the account's blob quota (spec §7.1)
}

struct Error {
  code @0 :ErrorCode;
  detail @1 :Text;               # for people, never parsed
  missingDevices @2 :List(UInt32);
  extraDevices @3 :List(UInt32);
  staleDevices @4 :List(UInt32);
  retryAfterMs @5 :UInt64;       # rateLimited: when to try again
  accountMismatches @6 :List(AccountMismatch);  # deviceMismatch of a groupSend: one per account that differs
}

# One account's part of a groupSend's deviceMismatch, as missingDevices... say it for a send.
struct AccountMismatch {
  account @0 :UInt64;
  missingDevices @1 :List(UInt32);
  extraDevices @2 :List(UInt32);
  staleDevices @3 :List(UInt32);
}

# A group's membership log (spec §11.2): the server stores and orders the signed entries and serves
# them; every client verifies them itself.
struct GroupLogAppend {
  group @0 :Data;                # 16 bytes
  entry @1 :Data;                # a signed membership entry whose version is the log's next
}

struct GroupLogFetch {
  group @0 :Data;
  fromVersion @1 :UInt64;        # the first entry wanted (1: the creation)
}

# A group message (spec §11.3): one ciphertext, the sender-key message, which the server copies to
# every device it names, checked all or nothing like a send's: each named account's listed devices
# exactly (deviceMismatch with accountMismatches), and the membership version the group's log is
# at (conflict otherwise: the sender fetches the log and plans again). The sender names the
# accounts of the log it verified; the server does not verify the log (the clients do).
struct GroupSend {
  clientMessageId @0 :UInt64;    # idempotency key with the sender device, shared with send's
  group @1 :Data;                # 16 bytes
  membershipVersion @2 :UInt64;  # the log's version the sender planned over
  ciphertext @3 :Data;           # a device ciphertext of type 4 (spec §8.6), at most max_message_size
  recipients @4 :List(GroupRecipient);
  blobRefs @5 :List(Data);       # as send's
}

struct GroupRecipient {
  account @0 :UInt64;            # ascending, each once; the sender's own account for its other devices
  devices @1 :List(DeviceIncarnation);
}

struct GroupLog {
  group @0 :Data;
  fromVersion @1 :UInt64;
  entries @2 :List(Data);        # in version order, from fromVersion, at most maxGroupLogEntries
  more @3 :Bool;                 # the log goes on: fetch again from fromVersion + entries
}
