// JSON syntax for the record renderer: one object per line, keys in the order fields are visited.
#pragma once
#include <cstdint>
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
  void key(std::string_view name) {
    separator();
    out_ += '"';
    out_ += name;
    out_ += "\":";
    after_key_ = true;
  }
  void value_int(int64_t v) {
    separator();
    append_decimal(out_, v);  // no std::to_string temporary: that was a measurable part of rendering
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
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace zkwire
