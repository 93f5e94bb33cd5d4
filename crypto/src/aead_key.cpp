#include "parley/crypto/aead_key.h"

#include <botan/aead.h>
#include <botan/aes.h>
#include <botan/chacha20poly1305.h>
#include <botan/gcm.h>
#include <botan/mem_ops.h>

#include <algorithm>

#include "backend.h"

namespace parley::crypto {
namespace {

using core::Errc;

std::unique_ptr<Botan::AEAD_Mode> make_mode(Aead aead, bool seal) {
  switch (aead) {
    case Aead::aes256_gcm:
      if (seal) return std::make_unique<Botan::GCM_Encryption>(new Botan::AES_256, kAeadTagSize);
      return std::make_unique<Botan::GCM_Decryption>(new Botan::AES_256, kAeadTagSize);
    case Aead::chacha20_poly1305:
      if (seal) return std::make_unique<Botan::ChaCha20Poly1305_Encryption>();
      return std::make_unique<Botan::ChaCha20Poly1305_Decryption>();
  }
  return nullptr;
}

core::Error moved_from() { return core::make_error(Errc::internal, "AeadKey used after a move"); }

}  // namespace

struct AeadKey::Impl {
  core::Key32 key;
  // Keyed on first use; a copy of the Impl copies the key only.
  std::unique_ptr<Botan::AEAD_Mode> sealer;
  std::unique_ptr<Botan::AEAD_Mode> opener;
  // Botan's finish() takes a secure_vector: the bytes after the last whole block (and the tag) go
  // through this one, kept so that its capacity is reused from message to message.
  Botan::secure_vector<std::uint8_t> tail;

  explicit Impl(const core::Key32& k) : key(k) {}

  // Ready for one message: keyed once, associated data set every time (a Botan 2 mode
  // keeps the previous message's otherwise), started with this nonce.
  Botan::AEAD_Mode& start(Aead aead, bool seal, core::BytesView nonce, core::BytesView ad) {
    auto& mode = seal ? sealer : opener;
    if (!mode) {
      auto fresh = make_mode(aead, seal);
      fresh->set_key(key.data(), key.size());
      mode = std::move(fresh);
    }
    mode->set_associated_data(ad.data(), ad.size());
    mode->start(nonce.data(), nonce.size());
    return *mode;
  }

  // Whole update blocks are processed in place in `out`; the rest, `rest`, through finish(),
  // whose output lands at out[done..].
  void finish(Botan::AEAD_Mode& mode, core::Bytes& out, std::size_t done, core::BytesView rest) {
    mode.process(out.data(), done);
    tail.assign(rest.begin(), rest.end());
    mode.finish(tail);
    std::copy(tail.begin(), tail.end(), out.begin() + static_cast<std::ptrdiff_t>(done));
  }
};

AeadKey::AeadKey(Aead aead, const core::Key32& key) : aead_(aead), impl_(std::make_unique<Impl>(key)) {}

AeadKey::AeadKey(const AeadKey& other)
    : aead_(other.aead_), impl_(other.impl_ ? std::make_unique<Impl>(other.impl_->key) : nullptr) {}

AeadKey& AeadKey::operator=(const AeadKey& other) {
  if (this != &other) *this = AeadKey(other);
  return *this;
}

AeadKey::AeadKey(AeadKey&&) noexcept = default;
AeadKey& AeadKey::operator=(AeadKey&&) noexcept = default;
AeadKey::~AeadKey() = default;

Aead AeadKey::aead() const { return aead_; }

core::Result<void> AeadKey::seal(core::BytesView nonce, core::BytesView ad, core::BytesView plaintext,
                                 core::Bytes& out) {
  if (nonce.size() != kAeadNonceSize) return core::make_error(Errc::malformed, "nonce must be 12 bytes");
  if (!impl_) return moved_from();
  // The inputs are checked, so Botan failing here is not the caller's doing.
  auto sealed = detail::guard(Errc::internal, [&]() -> core::Result<void> {
    Botan::AEAD_Mode& mode = impl_->start(aead_, true, nonce, ad);
    const std::size_t whole = plaintext.size() - plaintext.size() % mode.update_granularity();
    out.resize(plaintext.size() + kAeadTagSize);
    std::copy(plaintext.begin(), plaintext.begin() + static_cast<std::ptrdiff_t>(whole), out.begin());
    impl_->finish(mode, out, whole, plaintext.subspan(whole));
    return {};
  });
  if (!sealed) out.clear();
  return sealed;
}

core::Result<void> AeadKey::open(core::BytesView nonce, core::BytesView ad,
                                 core::BytesView ciphertext_and_tag, core::Bytes& out) {
  if (nonce.size() != kAeadNonceSize) return core::make_error(Errc::malformed, "nonce must be 12 bytes");
  out.clear();
  if (ciphertext_and_tag.size() < kAeadTagSize)
    return core::make_error(Errc::decrypt_failed, "shorter than the tag");
  if (!impl_) return moved_from();
  auto opened = detail::guard(Errc::decrypt_failed, [&]() -> core::Result<void> {
    Botan::AEAD_Mode& mode = impl_->start(aead_, false, nonce, ad);
    const std::size_t size = ciphertext_and_tag.size() - kAeadTagSize;
    const std::size_t whole = size - size % mode.update_granularity();
    out.resize(size);
    std::copy(ciphertext_and_tag.begin(), ciphertext_and_tag.begin() + static_cast<std::ptrdiff_t>(whole),
              out.begin());
    impl_->finish(mode, out, whole, ciphertext_and_tag.subspan(whole));
    return {};
  });
  if (!opened) {
    // Botan decrypts before it checks the tag: wipe what it wrote.
    core::secure_zero(out.data(), out.size());
    out.clear();
    Botan::zeroise(impl_->tail);
  }
  return opened;
}

core::Result<core::Bytes> AeadKey::seal(core::BytesView nonce, core::BytesView ad,
                                        core::BytesView plaintext) {
  core::Bytes out;
  PARLEY_CHECK(seal(nonce, ad, plaintext, out));
  return out;
}

core::Result<core::Bytes> AeadKey::open(core::BytesView nonce, core::BytesView ad,
                                        core::BytesView ciphertext_and_tag) {
  core::Bytes out;
  PARLEY_CHECK(open(nonce, ad, ciphertext_and_tag, out));
  return out;
}

bool operator==(const AeadKey& a, const AeadKey& b) {
  if (a.aead_ != b.aead_) return false;
  if (!a.impl_ || !b.impl_) return !a.impl_ && !b.impl_;
  return a.impl_->key == b.impl_->key;
}

}  // namespace parley::crypto
