#include "parley/core/secret_bytes.h"

#include <ostream>

namespace parley::core {

void secure_zero(void* data, std::size_t size) {
  // A volatile pointer stops the compiler from eliding stores to memory that is about to be freed.
  volatile std::uint8_t* p = static_cast<volatile std::uint8_t*>(data);
  for (std::size_t i = 0; i < size; ++i) p[i] = 0;
}

bool constant_time_equal(BytesView a, BytesView b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  // Launder through volatile so the loop is not turned into an early-exit comparison.
  volatile std::uint8_t result = diff;
  return result == 0;
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    data_ = other.data_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    other.wipe();
  }
  return *this;
}

void SecretBytes::wipe() {
  secure_zero(data_.data(), data_.size());
  data_.clear();
}

std::ostream& operator<<(std::ostream& os, const SecretBytes& s) {
  return os << "SecretBytes(" << s.size() << " bytes, redacted)";
}

}  // namespace parley::core
