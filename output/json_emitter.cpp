// JSON string escaping and number formatting.
#include "output/json_emitter.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "output/number_text.h"
#include "output/utf8.h"

namespace zkwire {

void JsonEmitter::long_key(std::string_view name) {
  separator();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  after_key_ = true;
}

void JsonEmitter::value_hex(int64_t v) {
  if (v < 0) {  // as append_id writes it: "-1", not sixteen f's
    separator();
    out_ += '"';
    append_id(out_, v);
    out_ += '"';
    return;
  }
  char buf[28];
  char* p = put_separator(buf);
  *p++ = '"';
  *p++ = '0';
  *p++ = 'x';
  p = std::to_chars(p, buf + sizeof buf - 1, static_cast<uint64_t>(v), 16).ptr;
  *p++ = '"';
  out_.append(buf, static_cast<size_t>(p - buf));
}

void JsonEmitter::value_double(double v, int decimals) {
  separator();
  append_fixed(out_, v, decimals);
}

void JsonEmitter::value_seconds(int64_t ns) {
  // Whole microseconds (every pcap and most pcapng timestamps) print from the integer: the double that
  // value_double would format lies within 3e-7 s of the exact value, so its %.6f rounding gives these same digits.
  if (ns < 0 || ns % 1000 != 0) return value_double(static_cast<double>(ns) / 1e9, 6);
  char buf[32];
  char* end = std::to_chars(put_separator(buf), buf + 21, ns / 1'000'000'000).ptr;
  *end++ = '.';
  auto micros = static_cast<uint32_t>(ns % 1'000'000'000 / 1000);
  for (int i = 5; i >= 0; --i, micros /= 10) end[i] = static_cast<char>('0' + micros % 10);
  out_.append(buf, static_cast<size_t>(end + 6 - buf));
}

void JsonEmitter::value_hex_bytes(std::string_view bytes) {
  separator();
  out_ += '"';
  append_hex_bytes(out_, bytes);
  out_ += '"';
}

namespace {

// Printable ASCII other than the two characters JSON escapes: copied as it is.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

// Bytes before the first one JSON must escape or check (control, DEL, '"', '\\', non-ASCII), eight at a time.
size_t plain_prefix(std::string_view s) {
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto has_zero_byte = [](uint64_t v) { return (v - ones) & ~v & highs; };
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    const uint64_t special = (x & highs) | ((x - 0x20 * ones) & ~x & highs) | has_zero_byte(x ^ (0x7f * ones)) |
                             has_zero_byte(x ^ (0x22 * ones)) | has_zero_byte(x ^ (0x5c * ones));
    if (special) break;
  }
  while (i < s.size() && plain(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

void JsonEmitter::value_string(std::string_view s) {
  const size_t first_special = plain_prefix(s);
  if (first_special == s.size() && s.size() <= kShort) {
    // Nothing to escape (nearly every path, name and address): quotes and text in one append.
    char buf[kShort + 3];
    char* p = put_separator(buf);
    *p++ = '"';
    if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may have no data at all: no memcpy
    p += s.size();
    *p++ = '"';
    out_.append(buf, static_cast<size_t>(p - buf));
    return;
  }
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
