@0xd4a1c9e7b3f25a08;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("parley::wire::schema");

# What a device encrypts for another device (spec §8.6): the plaintext of a pairwise session
# message, before padding (spec §5.9). The server never sees it.

const contentVersion :UInt16 = 1;

struct Content {
  version @0 :UInt16;            # contentVersion
  messageId @1 :UInt64;          # the sender device's id for the message: with it, the message's identity
  timestampMs @2 :UInt64;        # the sender's clock when it was written
  body :union {
    text @3 :Text;               # to a peer's device
    sentToOwnDevice @4 :SentToOwnDevice;  # a copy for one of the sender's other devices
    receipt @5 :Receipt;         # delivered, read or played (spec §10.2)
    media @6 :Media;             # an attachment (spec §12.4)
    senderKeyDistribution @8 :Data;  # the sender's sender key for `group` (spec §11.3), libsignal's layout
  }
  group @7 :GroupContext;        # set: a group message (text or media) or a sender key for the group
}

# The group a message belongs to and the membership the sender's verified log had when it wrote it
# (spec §11.3): a receiver whose log is behind learns that the server withheld entries.
struct GroupContext {
  group @0 :Data;                # 16 bytes
  membershipVersion @1 :UInt64;  # at least 1
  membershipHead @2 :Data;       # 32 bytes: SHA-256 of the log's entry of that version
}

struct SentToOwnDevice {
  destinationAccount @0 :UInt64; # the person the message went to
  text @1 :Text;
  media @2 :Media;               # set when the message was an attachment (then text is empty)
}

# An attachment (spec §12.4): what a recipient needs to fetch, check and decrypt the uploaded file
# (spec §12.1), and to show it before fetching. The server never sees it.
struct Media {
  type @0 :Text;                 # a media type of spec §12.1's table: image, video, audio, ptt, document, sticker...
  mimeType @1 :Text;
  fileName @2 :Text;             # a name, never a path: no '/', '\' or NUL, not "." or ".."
  fileLength @3 :UInt64;         # of the plaintext, at most maxMediaFileLength
  mediaKey @4 :Data;             # 32 bytes
  fileSha256 @5 :Data;           # 32 bytes, of the plaintext
  fileEncSha256 @6 :Data;        # 32 bytes, of the uploaded file: also its blob address (spec §7.1)
  caption @7 :Text;
  width @8 :UInt32;              # pixels, 0 when not an image or video
  height @9 :UInt32;
  durationMs @10 :UInt32;        # 0 when not audio or video
  streamingSidecar @11 :Data;    # empty, or one 10-byte entry per 64 KiB of the upload (spec §12.2)
  thumbnailJpeg @12 :Data;       # empty, or a small JPEG of at most maxThumbnailSize bytes
}

const maxMediaFileLength :UInt64 = 2147483648;
const maxThumbnailSize :UInt32 = 16384;
const maxMediaNameSize :UInt32 = 255;

# A receipt (spec §10.2) from a device of the account `chat`'s messages went to, sent to every
# device of the sender's account and to the receipt writer's own other devices. Receipts get no
# receipts of their own.
struct Receipt {
  type @0 :ReceiptType;
  chat @1 :UInt64;               # the account whose messages these are (the original sender)
  marks @2 :List(ReceiptMark);   # 1 to maxReceiptMarks, at most one per sender device for `read`
}

enum ReceiptType {
  delivered @0;                  # these messages are on a device of the writer
  read @1;                       # every message of each named sender device up to its mark was read
  played @2;                     # this voice note was heard
}

# One message (delivered, played), or "up to and including" (read), of one device of the sender.
struct ReceiptMark {
  senderDevice @0 :UInt32;
  messageId @1 :UInt64;
}

const maxReceiptMarks :UInt32 = 1024;
