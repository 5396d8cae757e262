// JSON syntax for the record renderer: one object per line, keys in the order fields are visited.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "output/number_text.h"
#include "output/text_buffer.h"

namespace zkwire {

// Bytes before the first one JSON must escape or check (control, DEL, '"', '\\', non-ASCII), eight at a time.
inline size_t json_plain_prefix(std::string_view s) {
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
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') break;
  }
  return i;
}

// The escaped text of `s` from its first special byte on (`plain` bytes before it go as they are), no quotes.
// Needs room for plain + 6 * (s.size() - plain) bytes: a lone byte may become "\u001f" or "\ufffd".
char* put_json_escaped(char* p, std::string_view s, size_t plain);

// Where a std::string-backed emitter writes: every token lands in the string at once, so a caller may read or
// drain the string between tokens.
struct StringOutput {
  StringOutput(std::string& text) : text(text) {}  // NOLINT: implicit, so `JsonEmitter e(string)` reads as before
  char* room(size_t n) {
    const size_t at = text.size();
    text.resize(at + n);
    return text.data() + at;
  }
  void commit(char* end) { text.resize(static_cast<size_t>(end - text.data())); }
  std::string& text;
};

// Each token asks its output for room once and is copied into it once, separator included: a record is some
// thirty tokens, and the appends and stack copies per token were most of the cost of rendering JSON lines.
template <class Out>
class BasicJsonEmitter {
 public:
  explicit BasicJsonEmitter(Out out) : out_(out) {}

  void begin_record() { begin_object(); }
  void end_record() {
    char* p = out_.room(2);
    p[0] = '}';
    p[1] = '\n';
    out_.commit(p + 2);
    first_ = false;
  }
  void begin_object() { opening('{'); }
  void end_object() { closing('}'); }
  void begin_array() { opening('['); }
  void end_array() { closing(']'); }
  void key(std::string_view name) {
    char* p = separated(out_.room(name.size() + 4));
    *p++ = '"';
    p = copy(p, name);
    *p++ = '"';
    *p++ = ':';
    out_.commit(p);
    after_key_ = true;
  }
  void value_int(int64_t v) {
    char* p = separated(out_.room(kMaxDecimalChars + 1));
    out_.commit(put_decimal(p, v));
  }
  // Quoted: ids are read as text, and a JSON number could not hold every 64-bit id exactly.
  void value_hex(int64_t v) {
    char* p = separated(out_.room(kMaxIdChars + 3));
    *p++ = '"';
    p = put_id(p, v);
    *p++ = '"';
    out_.commit(p);
  }
  void value_bool(bool v) { value_raw_number(v ? "true" : "false"); }
  void value_null() { value_raw_number("null"); }
  // Exactly printf's "%.*f".
  void value_double(double v, int decimals) {
    char buf[kFixedBufferChars];
    value_raw_number({buf, format_fixed(buf, v, decimals)});
  }
  // A number already formatted (a configuration value as the key table prints it).
  void value_raw_number(std::string_view digits) {
    char* p = separated(out_.room(digits.size() + 1));
    out_.commit(copy(p, digits));
  }
  // A value already rendered as JSON (a summary entry set aside earlier).
  void value_json(std::string_view json) { value_raw_number(json); }
  // A timestamp as seconds with 6 decimals, exactly as value_double(ts.seconds(), 6) writes it.
  void value_seconds(int64_t ns) {
    // Whole microseconds (every pcap and most pcapng timestamps) print from the integer: the double that
    // value_double would format lies within 3e-7 s of the exact value, so its %.6f rounding gives these same digits.
    if (ns < 0 || ns % 1000 != 0) return value_double(static_cast<double>(ns) / 1e9, 6);
    char* p = separated(out_.room(kMaxDecimalChars + 8));
    p = put_decimal(p, ns / 1'000'000'000);
    *p = '.';
    auto micros = static_cast<uint32_t>(ns % 1'000'000'000 / 1000);
    for (int i = 6; i >= 1; --i, micros /= 10) p[i] = static_cast<char>('0' + micros % 10);
    out_.commit(p + 7);
  }
  void value_string(std::string_view s) {
    const size_t plain = json_plain_prefix(s);
    if (plain == s.size()) {  // nothing to escape: nearly every path, name and address
      char* p = separated(out_.room(s.size() + 3));
      *p++ = '"';
      p = copy(p, s);
      *p++ = '"';
      out_.commit(p);
      return;
    }
    char* p = separated(out_.room(plain + 6 * (s.size() - plain) + 3));
    *p++ = '"';
    p = put_json_escaped(p, s, plain);
    *p++ = '"';
    out_.commit(p);
  }
  void value_hex_bytes(std::string_view bytes) {
    char* p = separated(out_.room(2 * bytes.size() + 3));
    *p++ = '"';
    p = put_hex_bytes(p, bytes);
    *p++ = '"';
    out_.commit(p);
  }

 private:
  // The comma a value or key needs before it, written at `p` (which has room for it); returns where the token goes.
  char* separated(char* p) {
    if (after_key_) {
      after_key_ = false;
      return p;
    }
    if (!first_) *p++ = ',';
    first_ = false;
    return p;
  }
  void opening(char bracket) {
    char* p = separated(out_.room(2));
    *p++ = bracket;
    out_.commit(p);
    first_ = true;
  }
  void closing(char bracket) {
    char* p = out_.room(1);
    *p++ = bracket;
    out_.commit(p);
    first_ = false;
  }
  // An empty view may have no data at all: no memcpy from it.
  static char* copy(char* p, std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }

  Out out_;
  bool first_ = true;
  bool after_key_ = false;
};

// Appends to a string the caller owns (summaries, the admin endpoint, tests).
using JsonEmitter = BasicJsonEmitter<StringOutput>;
// Writes into a text buffer: the record outputs' hot path.
using BufferJsonEmitter = BasicJsonEmitter<TextBuffer&>;

}  // namespace zkwire
