// Reads the top-level fields of one JSON-lines record, enough for tests to ask what a record says.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zkwire::reassembly_testing {

class JsonLine {
 public:
  // `line` must be one JSON object, as RecordOutput writes it; nested values are kept as raw text.
  explicit JsonLine(std::string line);

  const std::string& text() const { return text_; }
  bool has(const std::string& field) const { return fields_.contains(field); }
  // The raw JSON text of a field's value ("\"reply\"", "42", "{...}"), or empty when absent.
  std::string raw(const std::string& field) const;
  // A string field without its quotes (no escapes are undone: the fields tests ask about have none).
  std::string str(const std::string& field) const;
  std::optional<int64_t> num(const std::string& field) const;
  bool is_true(const std::string& field) const { return raw(field) == "true"; }
  // The object again, in its original field order, without the named fields.
  std::string without(const std::vector<std::string>& dropped) const;

 private:
  std::string text_;
  std::map<std::string, std::string> fields_;
  std::vector<std::string> order_;
};

}  // namespace zkwire::reassembly_testing
