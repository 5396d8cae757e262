// Value formatting for the text emitter: strings quoted only when they need it.
#include "output/text_emitter.h"

#include "output/number_text.h"

#include <cstdio>

namespace zkwire {

void TextEmitter::value_hex(int64_t v) {
  separator();
  append_id(out_, v);
}

void TextEmitter::value_double(double v, int decimals) {
  separator();
  append_fixed(out_, v, decimals);
}

void TextEmitter::value_hex_bytes(std::string_view bytes) {
  separator();
  out_ += "0x";
  append_hex_bytes(out_, bytes);
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
