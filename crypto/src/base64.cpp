#include "parley/crypto/base64.h"

#include <botan/base64.h>

namespace parley::crypto {

std::string base64url_unpadded(core::BytesView data) {
  std::string text = Botan::base64_encode(data.data(), data.size());
  // The two alphabets differ only in characters 62 and 63.
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

}  // namespace parley::crypto
