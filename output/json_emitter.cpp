// JSON string escaping past the plain fast path: control bytes, quotes, backslashes and UTF-8 checks.
#include "output/json_emitter.h"

#include <cstdint>
#include <cstring>

#include "output/utf8.h"

namespace zkwire {

namespace {

// Printable ASCII other than the two characters JSON escapes: copied as it is.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

char* put_two(char* p, char a, char b) {
  p[0] = a;
  p[1] = b;
  return p + 2;
}

char* put_text(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}

}  // namespace

char* put_json_escaped(char* p, std::string_view s, size_t plain_bytes) {
  if (plain_bytes > 0) p = put_text(p, s.substr(0, plain_bytes));
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = plain_bytes; i < s.size(); ++i) {
    // Runs of plain characters (nearly all of a path or a name) go in with one copy, not byte by byte.
    if (plain(static_cast<unsigned char>(s[i]))) {
      size_t run = i + 1;
      while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
      p = put_text(p, s.substr(i, run - i));
      i = run - 1;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': p = put_two(p, '\\', '"'); break;
      case '\\': p = put_two(p, '\\', '\\'); break;
      case '\n': p = put_two(p, '\\', 'n'); break;
      case '\r': p = put_two(p, '\\', 'r'); break;
      case '\t': p = put_two(p, '\\', 't'); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          p = put_text(p, "\\u00");
          p = put_two(p, kDigits[c >> 4], kDigits[c & 15]);
        } else if (size_t n = utf8_sequence_length(s.substr(i)); n > 0) {
          p = put_text(p, s.substr(i, n));  // valid UTF-8 passes through
          i += n - 1;
        } else {
          // JSON text must be UTF-8: a byte that starts no valid sequence (a path or four-letter reply
          // is whatever the peer sent) becomes U+FFFD, as a UTF-8 decoder's replacement would.
          p = put_text(p, "\\ufffd");
        }
    }
  }
  return p;
}

}  // namespace zkwire
