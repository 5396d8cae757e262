// JSON string escaping and number formatting.
#include "output/json_emitter.h"

#include <cstdio>

namespace zkwire {

void JsonEmitter::value_hex(int64_t v) {
  separator();
  char buf[24];
  // -1 ("none", as in a 3.8 notification) reads better as -1 than as sixteen f's.
  int n = v < 0 ? std::snprintf(buf, sizeof buf, "\"%lld\"", static_cast<long long>(v))
                : std::snprintf(buf, sizeof buf, "\"0x%llx\"", static_cast<unsigned long long>(v));
  out_.append(buf, static_cast<size_t>(n));
}

void JsonEmitter::value_double(double v, int decimals) {
  separator();
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out_.append(buf, static_cast<size_t>(n));
}

void JsonEmitter::value_hex_bytes(std::string_view bytes) {
  separator();
  static constexpr char kDigits[] = "0123456789abcdef";
  out_ += '"';
  for (unsigned char c : bytes) {
    out_ += kDigits[c >> 4];
    out_ += kDigits[c & 15];
  }
  out_ += '"';
}

namespace {

// Length of the well-formed UTF-8 sequence at s[0] (shortest form, no surrogates, at most U+10FFFF), or 0.
size_t utf8_sequence_length(std::string_view s) {
  auto at = [s](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(0);
  size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((at(k) & 0xc0) != 0x80) return 0;
  if ((c == 0xe0 && at(1) < 0xa0) || (c == 0xf0 && at(1) < 0x90)) return 0;  // overlong
  if ((c == 0xed && at(1) >= 0xa0) || (c == 0xf4 && at(1) >= 0x90)) return 0;  // surrogate, > U+10FFFF
  return n;
}

}  // namespace

void JsonEmitter::value_string(std::string_view s) {
  separator();
  out_ += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out_ += buf;
        } else if (c < 0x80) {
          out_ += static_cast<char>(c);
        } else if (size_t n = utf8_sequence_length(s.substr(i)); n > 0) {
          out_.append(s.substr(i, n));  // valid UTF-8 passes through
          i += n - 1;
        } else {
          // JSON text must be UTF-8: a byte that starts no valid sequence (a path or four-letter reply
          // is whatever the peer sent) becomes U+FFFD, as a UTF-8 decoder's replacement would.
          out_ += "\\ufffd";
        }
    }
  }
  out_ += '"';
}

}  // namespace zkwire
