@0xd4a1c9e7b3f25a08;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("parley::wire");

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
  }
}

struct SentToOwnDevice {
  destinationAccount @0 :UInt64; # the person the message went to
  text @1 :Text;
}
