// UTF-8 validity, the one rule behind "render as text or as hex" and "pass through or replace".
#pragma once
#include <cstddef>
#include <string_view>

namespace zkwire {

// Length of the well-formed UTF-8 sequence at s[0] (shortest form, no surrogates, at most U+10FFFF), or 0.
inline size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  auto at = [s](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((at(k) & 0xc0) != 0x80) return 0;
  if ((c == 0xe0 && at(1) < 0xa0) || (c == 0xf0 && at(1) < 0x90)) return 0;  // overlong
  if ((c == 0xed && at(1) >= 0xa0) || (c == 0xf4 && at(1) >= 0x90)) return 0;  // surrogate, > U+10FFFF
  return n;
}

}  // namespace zkwire
