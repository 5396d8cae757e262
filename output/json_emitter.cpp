// JSON string escaping and number formatting.
#include "output/json_emitter.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace zkwire {

void JsonEmitter::value_hex(int64_t v) {
  separator();
  char buf[24];
  char* end;
  // -1 ("none", as in a 3.8 notification) reads better as -1 than as sixteen f's.
  if (v < 0) {
    buf[0] = '"';
    end = std::to_chars(buf + 1, buf + sizeof buf, v).ptr;
  } else {
    buf[0] = '"', buf[1] = '0', buf[2] = 'x';
    end = std::to_chars(buf + 3, buf + sizeof buf, static_cast<uint64_t>(v), 16).ptr;
  }
  *end++ = '"';
  out_.append(buf, static_cast<size_t>(end - buf));
}

void JsonEmitter::value_double(double v, int decimals) {
  separator();
  // std::to_chars with a precision is specified as printf's %.*f, and is several times faster than snprintf.
  char buf[400];  // %f of the largest double needs 309 digits before the point
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) {
    int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // more decimals than fit: printf truncates
    end = buf + std::min(static_cast<size_t>(n), sizeof buf - 1);
  }
  out_.append(buf, static_cast<size_t>(end - buf));
}

void JsonEmitter::value_seconds(int64_t ns) {
  // Whole microseconds (every pcap and most pcapng timestamps) print from the integer: the double that
  // value_double would format lies within 3e-7 s of the exact value, so its %.6f rounding gives these same digits.
  if (ns < 0 || ns % 1000 != 0) return value_double(static_cast<double>(ns) / 1e9, 6);
  separator();
  char buf[32];
  char* end = std::to_chars(buf, buf + 20, ns / 1'000'000'000).ptr;
  *end++ = '.';
  auto micros = static_cast<uint32_t>(ns % 1'000'000'000 / 1000);
  for (int i = 5; i >= 0; --i, micros /= 10) end[i] = static_cast<char>('0' + micros % 10);
  out_.append(buf, static_cast<size_t>(end + 6 - buf));
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

namespace {

// Printable ASCII other than the two characters JSON escapes: copied as it is.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

}  // namespace

void JsonEmitter::value_string(std::string_view s) {
  separator();
  out_ += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    // Runs of plain characters (nearly all of a path or a name) go in with one append, not byte by byte.
    if (plain(static_cast<unsigned char>(s[i]))) {
      size_t run = i + 1;
      while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
      out_.append(s.data() + i, run - i);
      i = run - 1;
      continue;
    }
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
