// The server end of the Parley channel (spec §6.8) reading an arbitrary client byte stream: the
// connection header, handshake records of any kind, and transport records once established, cut
// into slices as a socket would deliver them. This is what a hostile client can do to the server.
// Layout: case byte (low 2 bits: which noise-pipes vector's server keys, so the seeds, the vectors'
// client streams, complete their handshakes), slice byte (slice length = value + 1), stream.
// Properties: never a crash or an `internal` error; an error closes the channel for good; between
// calls the channel buffers less than one record; an established channel can still send.
#include <cstddef>
#include <cstdint>

#include "check.h"
#include "parley/core/hex.h"
#include "parley/transport/channel/limits.h"
#include "parley/transport/channel/server_channel.h"

namespace {

using namespace parley;
namespace channel = transport::channel;

struct ServerKeys {
  const char* static_private;
  const char* ephemeral_private;
};

// spec/vectors/noise-pipes.json: cases xx, ik, ik-fallback.
constexpr ServerKeys kKeys[] = {
    {"5028ee2bedfd1b1532f5ba70b40697d958c4a9171d255e90f972a704909c566c",
     "981108d24c06ee17f08a5c351267ac134d5f7500b88330773fdd1dd62bc4196e"},
    {"508f103741827a554c368f3eb4bcf5c9087df30df0a0c6644d2a128284df017a",
     "a87e83d2e26dbc8c1bdcf8e06958c4a2c29f6cc22e294854a078a5daf1ab5f7c"},
    {"f84d59ea1eefbafe1512c3c97218a94ae7e88fad380011ca99860797b659c27c",
     "20505b7fb15ed983222dc7c4583331f1cb9a1e5400b57a3c03161e42fc65007a"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& keys = kKeys[(data[0] & 3) % 3];
  const std::size_t slice = std::size_t{data[1]} + 1;
  const core::BytesView stream(data + 2, size - 2);

  channel::ServerChannelConfig config;
  config.static_key = crypto::x25519_key_pair_from_private(core::from_hex(keys.static_private).value()).value();
  config.rekey_interval = 2;  // as in the vectors, and so that fuzzing reaches rekeys
  channel::ServerChannel server(std::move(config));
  crypto::ScriptedEntropy entropy(core::from_hex(keys.ephemeral_private).value());

  for (std::size_t at = 0; at < stream.size(); at += slice) {
    const auto piece = stream.subspan(at, std::min(slice, stream.size() - at));
    auto out = server.receive(piece, entropy);
    if (!out.ok()) {
      PARLEY_FUZZ_CHECK(out.code() != core::Errc::internal);
      PARLEY_FUZZ_CHECK(server.phase() == channel::Phase::closed);
      PARLEY_FUZZ_CHECK(server.receive(piece, entropy).code() == core::Errc::malformed);
      PARLEY_FUZZ_CHECK(!server.send_frame(core::Bytes{1}).ok());
      return 0;
    }
    for (const auto& frame : out->frames) PARLEY_FUZZ_CHECK(!frame.empty());
    if (out->established) PARLEY_FUZZ_CHECK(server.client().has_value());
  }
  if (server.phase() == channel::Phase::established) {
    auto reply = server.send_frame(core::Bytes{0x42});
    PARLEY_FUZZ_CHECK(reply.ok());
  }
  return 0;
}
