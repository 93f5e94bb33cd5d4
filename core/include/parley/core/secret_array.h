// SecretArray<N>: fixed-size key material (chain keys, message keys) kept inline, without a heap
// allocation per key, and wiped on destruction. The ratchet holds thousands of these.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <ostream>

#include "parley/core/bytes.h"
#include "parley/core/secret_bytes.h"

namespace parley::core {

template <std::size_t N>
class SecretArray {
 public:
  SecretArray() : data_{} {}
  explicit SecretArray(BytesView v) : data_{} {
    for (std::size_t i = 0; i < N && i < v.size(); ++i) data_[i] = v[i];
  }
  explicit SecretArray(const std::array<std::uint8_t, N>& a) : data_(a) {}
  SecretArray(const SecretArray&) = default;
  SecretArray& operator=(const SecretArray&) = default;
  ~SecretArray() { secure_zero(data_.data(), N); }

  static constexpr std::size_t size() { return N; }
  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  BytesView view() const { return {data_.data(), N}; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  const std::uint8_t& operator[](std::size_t i) const { return data_[i]; }

  friend bool operator==(const SecretArray& a, const SecretArray& b) { return constant_time_equal(a.view(), b.view()); }

 private:
  std::array<std::uint8_t, N> data_;
};

template <std::size_t N>
std::ostream& operator<<(std::ostream& os, const SecretArray<N>&) {
  return os << "SecretArray<" << N << ">(redacted)";
}

using Key32 = SecretArray<32>;

}  // namespace parley::core
