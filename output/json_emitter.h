// JSON syntax for the record renderer: one object per line, keys in the order fields are visited.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "output/byte_copy.h"
#include "output/number_text.h"
#include "output/text_buffer.h"

namespace zkwire {

// High bit set in each byte of x that JSON must escape or check (control, DEL, '"', '\\', non-ASCII). A borrow may
// also flag a byte above a flagged one, never below: the lowest flag is exact.
inline uint64_t json_special_bytes(uint64_t x) {
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto has_zero_byte = [](uint64_t v) { return (v - ones) & ~v & highs; };
  return (x & highs) | ((x - 0x20 * ones) & ~x & highs) | has_zero_byte(x ^ (0x7f * ones)) |
         has_zero_byte(x ^ (0x22 * ones)) | has_zero_byte(x ^ (0x5c * ones));
}

// Bytes before the first one JSON must escape or check, eight at a time: the last eight overlap bytes already
// checked, and fewer than eight are padded with a plain letter, so no byte is looked at alone.
inline size_t json_plain_prefix(std::string_view s) {
  const char* d = s.data();
  const size_t n = s.size();
  auto first_flag = [](uint64_t flags) { return static_cast<size_t>(std::countr_zero(flags) / 8); };
  if (n >= 8) {
    uint64_t x;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&x, d + i, 8);
      if (uint64_t flags = json_special_bytes(x)) return i + first_flag(flags);
    }
    std::memcpy(&x, d + n - 8, 8);
    const uint64_t flags = json_special_bytes(x);
    return flags ? n - 8 + first_flag(flags) : n;
  }
  if (n == 0) return 0;
  uint64_t x;
  if (n >= 4) {
    uint32_t first, last;
    std::memcpy(&first, d, 4);
    std::memcpy(&last, d + n - 4, 4);
    x = first | (uint64_t{last} << (8 * (n - 4)));  // the overlap ORs equal bytes
  } else {
    auto byte = [d](size_t k) { return uint64_t{static_cast<unsigned char>(d[k])} << (8 * k); };
    x = byte(0) | byte(n / 2) | byte(n - 1);
  }
  x |= 0x6161616161616161ull << (8 * n);  // 'a' in the bytes past the end
  const uint64_t flags = json_special_bytes(x);
  return flags ? first_flag(flags) : n;
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
  // Inlined whatever the compiler's estimate: a key is nearly always a literal, and inlined its copy is a move or two
  // of a known width instead of a call to memcpy (a seventh of the instructions of rendering a record).
  [[gnu::always_inline]] void key(std::string_view name) {
    char* p = separated(out_.room(name.size() + 4));
    *p++ = '"';
    p = put_bytes(p, name);
    *p++ = '"';
    *p++ = ':';
    out_.commit(p);
    after_key_ = true;
  }
  [[gnu::always_inline]] void value_int(int64_t v) {
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
    out_.commit(put_bytes(p, digits));
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
    *p++ = '.';
    out_.commit(put_digits(p, static_cast<uint64_t>(ns % 1'000'000'000 / 1000), 6));
  }
  void value_string(std::string_view s) {
    const size_t plain = json_plain_prefix(s);
    if (plain == s.size()) {  // nothing to escape: nearly every path, name and address
      char* p = separated(out_.room(s.size() + 3));
      *p++ = '"';
      p = put_bytes(p, s);
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
  // A name from one of the protocol's tables (ops, errors, kinds, directions, watch events): plain identifiers all
  // (a test checks each), so they skip the scan for bytes to escape that every other string takes.
  void value_name(std::string_view name) {
    char* p = separated(out_.room(name.size() + 3));
    *p++ = '"';
    p = put_bytes(p, name);
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

  Out out_;
  bool first_ = true;
  bool after_key_ = false;
};

// Appends to a string the caller owns (summaries, the admin endpoint, tests).
using JsonEmitter = BasicJsonEmitter<StringOutput>;
// Writes into a text buffer: the record outputs' hot path.
using BufferJsonEmitter = BasicJsonEmitter<TextBuffer&>;

}  // namespace zkwire
