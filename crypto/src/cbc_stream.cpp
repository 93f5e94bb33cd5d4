#include "parley/crypto/cbc_stream.h"

#include <botan/aes.h>
#include <botan/cbc.h>
#include <botan/mode_pad.h>

#include "backend.h"
#include "parley/crypto/cipher.h"

namespace parley::crypto {

struct Aes256CbcStream::Impl {
  std::unique_ptr<Botan::Cipher_Mode> mode;
};

Aes256CbcStream::Aes256CbcStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Aes256CbcStream::Aes256CbcStream(Aes256CbcStream&&) noexcept = default;
Aes256CbcStream& Aes256CbcStream::operator=(Aes256CbcStream&&) noexcept = default;
Aes256CbcStream::~Aes256CbcStream() = default;  // Botan wipes its key schedule on destruction

core::Result<Aes256CbcStream> Aes256CbcStream::start(Direction direction, core::BytesView key, core::BytesView iv) {
  if (key.size() != kAes256KeySize) return core::make_error(core::Errc::malformed, "key must be 32 bytes");
  if (iv.size() != kAesCbcIvSize) return core::make_error(core::Errc::malformed, "IV must be 16 bytes");
  return detail::guard(core::Errc::internal, [&]() -> core::Result<Aes256CbcStream> {
    auto impl = std::make_unique<Impl>();
    // Null padding: Botan's CBC then processes whole blocks through update() and keeps the chain.
    if (direction == Direction::encrypt)
      impl->mode = std::make_unique<Botan::CBC_Encryption>(new Botan::AES_256, new Botan::Null_Padding);
    else
      impl->mode = std::make_unique<Botan::CBC_Decryption>(new Botan::AES_256, new Botan::Null_Padding);
    impl->mode->set_key(key.data(), key.size());
    impl->mode->start(iv.data(), iv.size());
    return Aes256CbcStream(std::move(impl));
  });
}

core::Result<void> Aes256CbcStream::process(std::span<std::uint8_t> blocks) {
  if (blocks.size() % kAesBlockSize != 0)
    return core::make_error(core::Errc::malformed, "CBC input is not a whole number of blocks");
  if (blocks.empty()) return {};
  return detail::guard(core::Errc::internal, [&]() -> core::Result<void> {
    const std::size_t written = impl_->mode->process(blocks.data(), blocks.size());
    if (written != blocks.size()) return core::make_error(core::Errc::internal, "CBC processed a partial input");
    return {};
  });
}

}  // namespace parley::crypto
