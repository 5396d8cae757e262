// Numbers as both renderers write them, straight into the output without temporaries.
#pragma once
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace zkwire {

inline void append_decimal(std::string& out, int64_t v) {
  char buf[24];
  out.append(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof buf, v).ptr - buf));
}

// Session ids and zxids: "0x1f"; a negative value (-1, "none") reads better as itself than as sixteen f's.
inline void append_id(std::string& out, int64_t v) {
  if (v < 0) return append_decimal(out, v);
  char buf[24] = {'0', 'x'};
  out.append(buf, static_cast<size_t>(std::to_chars(buf + 2, buf + sizeof buf, static_cast<uint64_t>(v), 16).ptr - buf));
}

// Exactly printf's "%.*f": std::to_chars with a precision is specified so, and is several times faster.
inline void append_fixed(std::string& out, double v, int decimals) {
  char buf[400];  // %f of the largest double needs 309 digits before the point
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) {
    int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // more decimals than fit: printf truncates
    end = buf + std::min(static_cast<size_t>(n), sizeof buf - 1);
  }
  out.append(buf, static_cast<size_t>(end - buf));
}

inline void append_hex_bytes(std::string& out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 15];
  }
}

}  // namespace zkwire
