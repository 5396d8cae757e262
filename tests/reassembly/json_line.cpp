// A scanner for the flat shape of RecordOutput's JSON objects: top-level keys and the extent of each value.
#include "tests/reassembly/json_line.h"

#include <algorithm>
#include <stdexcept>

namespace zkwire::reassembly_testing {
namespace {

// Index just past the string that starts at text[at] (a quote).
size_t skip_string(const std::string& text, size_t at) {
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  throw std::invalid_argument("unterminated string in " + text);
}

// Index just past the value that starts at text[at]: nested objects and arrays are skipped whole.
size_t skip_value(const std::string& text, size_t at) {
  int depth = 0;
  size_t i = at;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      i = skip_string(text, i);
      if (depth == 0) return i;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      if (depth == 0) return i;  // the end of the enclosing object
      if (--depth == 0) return i + 1;
    }
    if (depth == 0 && c == ',') return i;
    ++i;
  }
  return i;
}

}  // namespace

JsonLine::JsonLine(std::string line) : text_(std::move(line)) {
  if (text_.empty() || text_.front() != '{') throw std::invalid_argument("not a JSON object: " + text_);
  size_t i = 1;
  while (i < text_.size() && text_[i] == '"') {
    size_t key_end = skip_string(text_, i);
    std::string key = text_.substr(i + 1, key_end - i - 2);
    size_t value_start = key_end + 1;  // past the ':'
    size_t value_end = skip_value(text_, value_start);
    fields_[key] = text_.substr(value_start, value_end - value_start);
    order_.push_back(key);
    i = value_end < text_.size() && text_[value_end] == ',' ? value_end + 1 : value_end;
  }
}

std::string JsonLine::without(const std::vector<std::string>& dropped) const {
  std::string out = "{";
  for (const std::string& key : order_) {
    if (std::find(dropped.begin(), dropped.end(), key) != dropped.end()) continue;
    if (out.size() > 1) out += ',';
    out += '"' + key + "\":" + fields_.at(key);
  }
  return out + "}";
}

std::string JsonLine::raw(const std::string& field) const {
  auto it = fields_.find(field);
  return it == fields_.end() ? std::string() : it->second;
}

std::string JsonLine::str(const std::string& field) const {
  std::string value = raw(field);
  if (value.size() >= 2 && value.front() == '"') return value.substr(1, value.size() - 2);
  return value;
}

std::optional<int64_t> JsonLine::num(const std::string& field) const {
  std::string value = raw(field);
  if (value.empty()) return std::nullopt;
  try {
    return std::stoll(value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace zkwire::reassembly_testing
