// JSON syntax for the record renderer: one object per line, keys in the order fields are visited.
#pragma once
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "output/number_text.h"

namespace zkwire {

class JsonEmitter {
 public:
  explicit JsonEmitter(std::string& out) : out_(out) {}

  void begin_record() { begin_object(); }
  void end_record() {
    end_object();
    out_ += '\n';
  }
  void begin_object() {
    separator();
    out_ += '{';
    first_ = true;
  }
  void end_object() {
    out_ += '}';
    first_ = false;
  }
  void begin_array() {
    separator();
    out_ += '[';
    first_ = true;
  }
  void end_array() {
    out_ += ']';
    first_ = false;
  }
  // Keys and most values go in with one append, separator included: a record is some thirty of them, and
  // three or four small appends each were most of the cost of rendering JSON lines.
  void key(std::string_view name) {
    if (name.size() > kShort) return long_key(name);
    char buf[kShort + 4];
    char* p = put_separator(buf);
    *p++ = '"';
    if (!name.empty()) std::memcpy(p, name.data(), name.size());
    p += name.size();
    *p++ = '"';
    *p++ = ':';
    out_.append(buf, static_cast<size_t>(p - buf));
    after_key_ = true;
  }
  void value_int(int64_t v) {
    char buf[24];
    char* p = put_separator(buf);
    out_.append(buf, static_cast<size_t>(std::to_chars(p, buf + sizeof buf, v).ptr - buf));
  }
  void value_hex(int64_t v);
  void value_bool(bool v) {
    separator();
    out_ += v ? "true" : "false";
  }
  void value_null() {
    separator();
    out_ += "null";
  }
  // Exactly printf's "%.*f".
  void value_double(double v, int decimals);
  // A number already formatted (a configuration value as the key table prints it).
  void value_raw_number(std::string_view digits) {
    separator();
    out_ += digits;
  }
  // A value already rendered as JSON (a summary entry set aside earlier).
  void value_json(std::string_view json) {
    separator();
    out_ += json;
  }
  // A timestamp as seconds with 6 decimals, exactly as value_double(ts.seconds(), 6) writes it.
  void value_seconds(int64_t ns);
  void value_string(std::string_view s);
  void value_hex_bytes(std::string_view bytes);

 private:
  static constexpr size_t kShort = 120;
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }
  // The separator written into a local buffer instead; returns where the value goes.
  char* put_separator(char* p) {
    if (after_key_) {
      after_key_ = false;
      return p;
    }
    if (!first_) *p++ = ',';
    first_ = false;
    return p;
  }
  void long_key(std::string_view name);

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace zkwire
