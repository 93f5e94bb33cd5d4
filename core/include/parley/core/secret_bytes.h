// SecretBytes: key material that is wiped when it goes away and never printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>

#include "parley/core/bytes.h"

namespace parley::core {

// Overwrites `data` with zeros in a way the optimizer may not drop.
void secure_zero(void* data, std::size_t size);

// Constant-time equality of two byte strings of the same length; different lengths are unequal
// (length is not secret). Used for every MAC and tag comparison.
bool constant_time_equal(BytesView a, BytesView b);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : data_(size, 0) {}
  explicit SecretBytes(BytesView v) : data_(v.begin(), v.end()) {}
  SecretBytes(const SecretBytes& other) : data_(other.data_) {}
  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.wipe(); }
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  const std::uint8_t& operator[](std::size_t i) const { return data_[i]; }

  BytesView view() const { return {data_.data(), data_.size()}; }
  std::span<std::uint8_t> span() { return {data_.data(), data_.size()}; }
  // Explicit so that a secret never slips into a public Bytes by accident.
  Bytes expose_copy() const { return data_; }

  // Constant time: comparing secrets must not leak where they differ.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return constant_time_equal(a.view(), b.view());
  }

 private:
  void wipe();
  Bytes data_;
};

// Printing a secret prints only its length, so a logged state never leaks a key.
std::ostream& operator<<(std::ostream& os, const SecretBytes& s);

}  // namespace parley::core
