// Compact key=value syntax for the record renderer: one readable line per record, like tshark's summaries.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "output/number_text.h"

namespace zkwire {

class TextEmitter {
 public:
  explicit TextEmitter(std::string& out) : out_(out) {}

  void begin_record() { first_ = true; }
  void end_record() { out_ += '\n'; }
  void begin_object() {
    separator();
    out_ += '{';
    first_ = true;
    push(false);
  }
  void end_object() {
    out_ += '}';
    first_ = false;
    pop();
  }
  void begin_array() {
    separator();
    out_ += '[';
    first_ = true;
    push(true);
  }
  void end_array() {
    out_ += ']';
    first_ = false;
    pop();
  }
  void key(std::string_view name) {
    separator();
    out_ += name;
    out_ += '=';
    after_key_ = true;
  }
  // A bare word, not a key=value pair (the kind, the op name).
  void word(std::string_view w) {
    separator();
    out_ += w;
  }
  void value_int(int64_t v) {
    separator();
    append_decimal(out_, v);
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
  void value_double(double v, int decimals);
  void value_string(std::string_view s);
  void value_name(std::string_view name) { value_string(name); }
  void value_hex_bytes(std::string_view bytes);

 private:
  void separator() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_ += in_array() ? ',' : ' ';
    first_ = false;
  }
  // Arrays separate with commas, objects with spaces: one bit per nesting level says which we are in.
  void push(bool array) {
    ++depth_;
    if (depth_ < 64) kinds_ = (kinds_ & ~(uint64_t{1} << depth_)) | (uint64_t{array} << depth_);
  }
  void pop() {
    if (depth_ > 0) --depth_;
  }
  bool in_array() const { return depth_ > 0 && depth_ < 64 && ((kinds_ >> depth_) & 1); }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
  unsigned depth_ = 0;
  uint64_t kinds_ = 0;
};

}  // namespace zkwire
