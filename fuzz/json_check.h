// A strict JSON checker for the fuzzer: one value, RFC 8259 grammar, strings valid UTF-8 — nothing else.
#pragma once
#include <cstddef>
#include <string_view>

namespace zkwire::fuzz {

// Recursive descent over the text; it only answers "is this one well-formed JSON value".
class JsonCheck {
 public:
  static bool valid(std::string_view s) {
    JsonCheck c(s);
    return c.value(0) && c.ws_end();
  }

 private:
  explicit JsonCheck(std::string_view s) : s_(s) {}

  bool ws_end() {
    skip_ws();
    return i_ == s_.size();
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool value(int depth) {
    if (depth > 64) return false;
    skip_ws();
    if (i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }
  bool object(int depth) {
    ++i_;
    if (eat('}')) return true;
    do {
      skip_ws();
      if (!string() || !eat(':') || !value(depth + 1)) return false;
    } while (eat(','));
    return eat('}');
  }
  bool array(int depth) {
    ++i_;
    if (eat(']')) return true;
    do {
      if (!value(depth + 1)) return false;
    } while (eat(','));
    return eat(']');
  }
  bool digits() {
    size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }
  bool number() {
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return false;
    }
    return true;
  }
  bool string() {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') return ++i_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (++i_ >= s_.size()) return false;
        char e = s_[i_++];
        if (e == 'u') {
          for (int k = 0; k < 4; ++k, ++i_) {
            if (i_ >= s_.size()) return false;
            char h = s_[i_];
            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
        continue;
      }
      if (c < 0x80) {
        ++i_;
        continue;
      }
      if (!utf8_sequence()) return false;
    }
    return false;
  }
  // One multi-byte UTF-8 sequence: shortest form, no surrogates, at most U+10FFFF.
  bool utf8_sequence() {
    auto at = [this](size_t k) { return static_cast<unsigned char>(s_[i_ + k]); };
    unsigned char c = at(0);
    size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n == 0 || i_ + n > s_.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((at(k) & 0xc0) != 0x80) return false;
    if (c == 0xe0 && at(1) < 0xa0) return false;  // overlong
    if (c == 0xed && at(1) >= 0xa0) return false;  // surrogate
    if (c == 0xf0 && at(1) < 0x90) return false;  // overlong
    if (c == 0xf4 && at(1) >= 0x90) return false;  // above U+10FFFF
    i_ += n;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace zkwire::fuzz
