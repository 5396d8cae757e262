// Prints the opcode, error-code, record-kind, decode-error and four-letter-word tables, as text or markdown.
#include "cli/describe_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "config/config_loader.h"
#include "decoder/error_codes.h"
#include "decoder/four_letter_words.h"
#include "decoder/opcodes.h"
#include "decoder/record.h"
#include "inspector/anomalies.h"

namespace zkwire {
namespace {

using Row = std::vector<std::string>;

void print_table(const Row& header, const std::vector<Row>& rows, bool markdown) {
  if (markdown) {
    auto line = [](const Row& r) {
      std::string s = "|";
      for (const auto& cell : r) s += " " + cell + " |";
      std::puts(s.c_str());
    };
    line(header);
    std::string sep = "|";
    for (size_t i = 0; i < header.size(); ++i) sep += "---|";
    std::puts(sep.c_str());
    for (const Row& r : rows) line(r);
    return;
  }
  std::vector<size_t> width(header.size(), 0);
  for (const Row* r : {&header}) for (size_t i = 0; i < r->size(); ++i) width[i] = std::max(width[i], (*r)[i].size());
  for (const Row& r : rows) for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const Row& r) {
    std::string s;
    for (size_t i = 0; i < r.size(); ++i) {
      s += r[i];
      if (i + 1 < r.size()) s += std::string(width[i] - r[i].size() + 2, ' ');
    }
    std::puts(s.c_str());
  };
  line(header);
  for (const Row& r : rows) line(r);
}

std::string str(std::string_view s) { return std::string(s); }

}  // namespace

int run_describe(std::span<const std::string_view> args) {
  bool markdown = false;
  std::string_view table;
  for (std::string_view a : args) {
    if (a == "--markdown")
      markdown = true;
    else
      table = a;
  }
  std::vector<Row> rows;
  if (table == "opcodes") {
    for (const OpCodeInfo& op : all_opcodes())
      rows.push_back({std::to_string(op.code), str(op.name), str(op.request_record), str(op.response_record),
                      str(op.description)});
    print_table({"code", "op", "request body", "success reply body", "what it does"}, rows, markdown);
  } else if (table == "errors") {
    for (const ErrorCodeInfo& e : all_error_codes())
      rows.push_back({std::to_string(e.code), str(e.name), e.sent_by_server ? "yes" : "no", str(e.description)});
    print_table({"err", "err_name", "sent by 3.8/3.9 servers", "meaning"}, rows, markdown);
  } else if (table == "records") {
#define ZKWIRE_KIND_ROW(id, description) rows.push_back({#id, description});
    ZKWIRE_RECORD_KINDS(ZKWIRE_KIND_ROW)
#undef ZKWIRE_KIND_ROW
    print_table({"kind", "meaning"}, rows, markdown);
  } else if (table == "decode-errors") {
#define ZKWIRE_DECODE_ERROR_ROW(id, description) rows.push_back({#id, description});
    ZKWIRE_DECODE_ERRORS(ZKWIRE_DECODE_ERROR_ROW)
#undef ZKWIRE_DECODE_ERROR_ROW
    print_table({"error", "meaning"}, rows, markdown);
  } else if (table == "anomalies") {
    for (const AnomalyInfo& a : all_anomalies())
      rows.push_back({str(a.id), str(severity_name(a.severity)), str(a.description)});
    print_table({"anomaly", "severity", "what happened, and what usually causes it"}, rows, markdown);
  } else if (table == "config") {
    std::fputs(example_config_yaml().c_str(), stdout);
  } else if (table == "four-letter-words") {
    for (const FourLetterWord& w : all_four_letter_words()) rows.push_back({str(w.word), str(w.description)});
    print_table({"word", "meaning"}, rows, markdown);
  } else {
    std::fputs("usage: zkwire describe opcodes|errors|records|decode-errors|anomalies|four-letter-words|config [--markdown]\n", stderr);
    return 2;
  }
  return 0;
}

}  // namespace zkwire
