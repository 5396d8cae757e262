// Options shared by `zkwire analyze` and `zkwire sniff`: output format, filters, decoding and config.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/record_filter.h"
#include "output/record_output.h"

namespace zkwire {

struct TrafficOptions {
  std::string command;  // "analyze" or "sniff", for messages
  void (*help)() = nullptr;
  std::vector<std::string> files;  // analyze
  std::string interface;  // sniff
  OutputFormat format = OutputFormat::text;
  bool summary = false;  // --format summary: one JSON document at the end instead of records
  std::optional<int64_t> timeline;  // --timeline SESSION
  std::string write_to;  // empty: stdout
  std::vector<uint16_t> ports{2181};
  RenderOptions render;
  enum class Color { automatic, always, never } color = Color::automatic;
  std::string config_file;
  std::optional<uint32_t> max_frame;  // flags override the file
  FilterOptions filter;
};

// Returns an exit status when parsing ends the run (help, bad usage), nullopt to go on.
std::optional<int> parse_traffic_options(std::span<const std::string_view> args, TrafficOptions& o);

extern const char* const kTrafficOptionsHelp;

}  // namespace zkwire
