// Value formatting for the text emitter: strings quoted only when they need it.
#include "output/text_emitter.h"

#include <cstdio>

namespace zkwire {

void TextEmitter::value_hex(int64_t v) {
  separator();
  char buf[24];
  int n = v < 0 ? std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v))
                : std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  out_.append(buf, static_cast<size_t>(n));
}

void TextEmitter::value_double(double v, int decimals) {
  separator();
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out_.append(buf, static_cast<size_t>(n));
}

void TextEmitter::value_hex_bytes(std::string_view bytes) {
  separator();
  static constexpr char kDigits[] = "0123456789abcdef";
  out_ += "0x";
  for (unsigned char c : bytes) {
    out_ += kDigits[c >> 4];
    out_ += kDigits[c & 15];
  }
}

void TextEmitter::value_string(std::string_view s) {
  separator();
  bool plain = !s.empty();
  for (unsigned char c : s)
    if (c <= ' ' || c == '"' || c == '\\' || c == '=' || c == ',' || c == '[' || c == ']' || c == '{' ||
        c == '}' || c == 0x7f) {
      plain = false;
      break;
    }
  if (plain) {
    out_ += s;
    return;
  }
  out_ += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out_ += '\\';
      out_ += static_cast<char>(c);
    } else if (c == '\n') {
      out_ += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out_ += buf;
    } else {
      out_ += static_cast<char>(c);
    }
  }
  out_ += '"';
}

}  // namespace zkwire
