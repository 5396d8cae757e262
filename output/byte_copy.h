// Copies of a few bytes without a call into memcpy: the renderer's keys and most of its values are under 32 bytes.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace zkwire {

template <class Word>
void copy_word(char* to, const char* from) {
  Word word;
  std::memcpy(&word, from, sizeof word);
  std::memcpy(to, &word, sizeof word);
}

// Copies `s` to `p` (which must not overlap it) and returns the end. A short length takes a few fixed-width moves,
// the last ones overlapping the first, so nothing outside `s` is read and nothing past p + size is written.
// Always inlined: with a literal's length known where it is called, only one of the branches is left.
[[gnu::always_inline]] inline char* put_bytes(char* p, std::string_view s) {
  const char* from = s.data();
  const size_t n = s.size();
  if (n >= 8 && n <= 16) {
    copy_word<uint64_t>(p, from);
    copy_word<uint64_t>(p + n - 8, from + n - 8);
  } else if (n >= 4 && n < 8) {
    copy_word<uint32_t>(p, from);
    copy_word<uint32_t>(p + n - 4, from + n - 4);
  } else if (n > 16 && n <= 32) {
    copy_word<uint64_t>(p, from);
    copy_word<uint64_t>(p + 8, from + 8);
    copy_word<uint64_t>(p + n - 16, from + n - 16);
    copy_word<uint64_t>(p + n - 8, from + n - 8);
  } else if (n > 32) {
    std::memcpy(p, from, n);
  } else if (n > 0) {  // 1 to 3 bytes: the first, the middle and the last cover them all
    p[0] = from[0];
    p[n / 2] = from[n / 2];
    p[n - 1] = from[n - 1];
  }
  return p + n;
}

}  // namespace zkwire
