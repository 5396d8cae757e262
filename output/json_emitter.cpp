// JSON string escaping and number formatting.
#include "output/json_emitter.h"

#include <cstdio>

namespace zkwire {

void JsonEmitter::value_hex(int64_t v) {
  separator();
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "\"0x%llx\"", static_cast<unsigned long long>(v));
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

void JsonEmitter::value_string(std::string_view s) {
  separator();
  out_ += '"';
  for (unsigned char c : s) {
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
        } else {
          out_ += static_cast<char>(c);  // UTF-8 passes through; renderers check validity first
        }
    }
  }
  out_ += '"';
}

}  // namespace zkwire
