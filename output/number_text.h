// Numbers as both renderers write them: at a raw cursor (the JSON emitter) or appended to a string (text).
#pragma once
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace zkwire {

// Room the cursor writers below need at most: "-9223372036854775808" and "0x" plus sixteen hex digits.
constexpr size_t kMaxDecimalChars = 20;
constexpr size_t kMaxIdChars = 20;

inline char* put_decimal(char* p, int64_t v) { return std::to_chars(p, p + kMaxDecimalChars, v).ptr; }

// Lower-case hex digits without a prefix; the digit count comes from the bit width, so no division or loop search.
inline char* put_hex(char* p, uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const int digits = v == 0 ? 1 : (std::bit_width(v) + 3) / 4;
  for (int i = digits - 1; i >= 0; --i, v >>= 4) p[i] = kDigits[v & 15];
  return p + digits;
}

// Session ids and zxids: "0x1f"; a negative value (-1, "none") reads better as itself than as sixteen f's.
inline char* put_id(char* p, int64_t v) {
  if (v < 0) return put_decimal(p, v);
  *p++ = '0';
  *p++ = 'x';
  return put_hex(p, static_cast<uint64_t>(v));
}

// Two hex digits per byte: 2 * bytes.size() of room.
inline char* put_hex_bytes(char* p, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
  return p;
}

inline void append_decimal(std::string& out, int64_t v) {
  char buf[kMaxDecimalChars];
  out.append(buf, static_cast<size_t>(put_decimal(buf, v) - buf));
}

inline void append_id(std::string& out, int64_t v) {
  char buf[kMaxIdChars];
  out.append(buf, static_cast<size_t>(put_id(buf, v) - buf));
}

// Exactly printf's "%.*f": std::to_chars with a precision is specified so, and is several times faster.
constexpr size_t kFixedBufferChars = 400;  // %f of the largest double needs 309 digits before the point
inline size_t format_fixed(char (&buf)[kFixedBufferChars], double v, int decimals) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) {
    int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // more decimals than fit: printf truncates
    return std::min(static_cast<size_t>(n), sizeof buf - 1);
  }
  return static_cast<size_t>(end - buf);
}

inline void append_fixed(std::string& out, double v, int decimals) {
  char buf[kFixedBufferChars];
  out.append(buf, format_fixed(buf, v, decimals));
}

inline void append_hex_bytes(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  put_hex_bytes(out.data() + at, bytes);
}

}  // namespace zkwire
