// Parses analyze's options, runs every file through capture -> decoder -> output, reports what went wrong.
#include "cli/analyze_command.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "capture/capture_reader.h"
#include "decoder/opcodes.h"
#include "cli/flow_decoder.h"
#include "config/config_loader.h"
#include "cli/record_filter.h"
#include "cli/record_output.h"
#include "inspector/session_inspector.h"
#include "inspector/session_timeline.h"
#include "inspector/traffic_summary.h"

namespace zkwire {
namespace {

struct AnalyzeOptions {
  std::vector<std::string> files;
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

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T value{};
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_session_id(std::string_view s) {
  std::string hex(s.starts_with("0x") || s.starts_with("0X") ? s : "0x" + std::string(s));
  auto id = parse_number<uint64_t>(hex);
  if (!id) return std::nullopt;
  return static_cast<int64_t>(*id);
}

std::optional<std::vector<uint16_t>> parse_ports(std::string_view list) {
  std::vector<uint16_t> ports;
  while (!list.empty()) {
    size_t comma = list.find(',');
    auto port = parse_number<uint16_t>(list.substr(0, comma));
    if (!port || *port == 0) return std::nullopt;
    ports.push_back(*port);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  if (ports.empty()) return std::nullopt;
  return ports;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "zkwire analyze: %s\nTry 'zkwire analyze --help'.\n", message.c_str());
  return 2;
}

// Returns an exit status when parsing ends the run (help, bad usage), nullopt to go on.
std::optional<int> parse(std::span<const std::string_view> args, AnalyzeOptions& o) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)name;
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      print_analyze_help();
      return 0;
    } else if (a == "--format" || a == "-f") {
      auto v = value(a);
      if (v == "text")
        o.format = OutputFormat::text;
      else if (v == "jsonl" || v == "json")
        o.format = OutputFormat::jsonl;
      else if (v == "summary")
        o.summary = true;
      else
        return usage_error("--format takes text, jsonl or summary");
    } else if (a == "-w" || a == "--write") {
      auto v = value(a);
      if (!v) return usage_error("-w needs a file name");
      o.write_to = std::string(*v);
    } else if (a == "--port" || a == "-p") {
      auto v = value(a);
      auto ports = v ? parse_ports(*v) : std::nullopt;
      if (!ports) return usage_error("--port takes a comma-separated list of ports, e.g. 2181,2182");
      o.ports = *ports;
    } else if (a == "--show-secrets") {
      o.render.show_secrets = true;
    } else if (a == "--full-data") {
      o.render.data_prefix = SIZE_MAX;
    } else if (a == "--data-prefix") {
      auto v = value(a);
      auto n = v ? parse_number<size_t>(*v) : std::nullopt;
      if (!n) return usage_error("--data-prefix takes a number of bytes");
      o.render.data_prefix = *n;
    } else if (a == "--max-frame") {
      auto v = value(a);
      auto n = v ? parse_number<uint32_t>(*v) : std::nullopt;
      if (!n || *n < 16) return usage_error("--max-frame takes a size in bytes (default 0xfffff, jute.maxbuffer)");
      o.max_frame = *n;
    } else if (a == "-c" || a == "--config") {
      auto v = value(a);
      if (!v) return usage_error("--config takes a YAML file (see config/zkwire.example.yaml)");
      o.config_file = std::string(*v);
    } else if (a == "--color") {
      auto v = value(a);
      if (v == "auto")
        o.color = AnalyzeOptions::Color::automatic;
      else if (v == "always")
        o.color = AnalyzeOptions::Color::always;
      else if (v == "never")
        o.color = AnalyzeOptions::Color::never;
      else
        return usage_error("--color takes auto, always or never");
    } else if (a == "--session" || a == "--timeline") {
      auto v = value(a);
      auto id = v ? parse_session_id(*v) : std::nullopt;
      if (!id) return usage_error(std::string(a) + " takes a session id in hex, e.g. 0x100000abc0000");
      (a == "--session" ? o.filter.session : o.timeline) = *id;
    } else if (a == "--op") {
      auto v = value(a);
      const OpCodeInfo* found = nullptr;
      for (const OpCodeInfo& op : all_opcodes())
        if (v && op.name == *v) found = &op;
      if (!found) return usage_error("--op takes an op name as ZooKeeper spells it (zkwire describe opcodes)");
      o.filter.op = found->code;
    } else if (a == "--path") {
      auto v = value(a);
      if (!v) return usage_error("--path takes a path prefix");
      o.filter.path_prefix = std::string(*v);
    } else if (a == "--errors-only") {
      o.filter.errors_only = true;
    } else if (a == "--anomalies-only") {
      o.filter.anomalies_only = true;
    } else if (a.starts_with("-") && a != "-") {
      return usage_error("unknown option '" + std::string(a) + "'");
    } else {
      o.files.emplace_back(a);
    }
  }
  if (o.files.empty()) return usage_error("no capture file given");
  return std::nullopt;
}

}  // namespace

void print_analyze_help() {
  std::fputs(
      "usage: zkwire analyze [options] FILE...\n"
      "Decode the ZooKeeper client traffic in pcap or pcapng captures, one record per line.\n\n"
      "  -f, --format FORMAT      text (default), jsonl (one JSON object per record) or summary (one JSON\n"
      "                           document: counts, latencies, anomalies, every session's story in numbers)\n"
      "      --timeline SESSION   one session's story (connections, reconnects, errors, gaps, anomalies)\n"
      "  -w, --write FILE         write the records to FILE instead of stdout\n"
      "  -p, --port P[,P...]      server ports (default 2181); other flows are oriented by SYN or by\n"
      "                           which side sends request-shaped frames\n"
      "      --show-secrets       show session passwords, digest auth, SASL tokens and digest ACL ids\n"
      "      --full-data          show znode data in full (default: length and a 32-byte prefix)\n"
      "      --data-prefix N      show the first N bytes of znode data\n"
      "      --max-frame N        largest legal frame (default 0xfffff, the server's jute.maxbuffer)\n"
      "      --color WHEN         auto (default: on a terminal), always, never\n"
      "  -c, --config FILE        YAML configuration: decoder limits, inspector thresholds\n"
      "                           (zkwire describe config prints every key with its default)\n"
      "filters (anomalies are always computed over everything):\n"
      "      --session ID         only records of this session (hex)\n"
      "      --op NAME            only requests and replies of this op (zkwire describe opcodes)\n"
      "      --path PREFIX        only frames naming a path under PREFIX\n"
      "      --errors-only        only error replies, decode errors, capture gaps and anomalies\n"
      "      --anomalies-only     only anomalies (zkwire describe anomalies)\n"
      "The output contract is described in docs/output.md.\n",
      stdout);
}

int run_analyze(std::span<const std::string_view> args) {
  AnalyzeOptions o;
  if (auto status = parse(args, o)) return *status;
  Config config;
  if (!o.config_file.empty()) {
    LoadedConfig loaded = load_config_file(o.config_file);
    for (const ConfigProblem& p : loaded.problems) std::fprintf(stderr, "zkwire analyze: %s\n", p.to_string().c_str());
    if (!loaded.problems.empty()) return 2;
    config = loaded.config;
  }
  if (o.max_frame) config.decoder.max_frame = *o.max_frame;
  config.inspector.max_frame = config.decoder.max_frame;

  std::FILE* out = stdout;
  if (!o.write_to.empty() && o.write_to != "-") {
    out = std::fopen(o.write_to.c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "zkwire analyze: cannot write %s: %s\n", o.write_to.c_str(), std::strerror(errno));
      return 2;
    }
  }
  bool terminal = out == stdout && isatty(fileno(stdout));
  o.render.color = o.format == OutputFormat::text &&
                   (o.color == AnalyzeOptions::Color::always || (o.color == AnalyzeOptions::Color::automatic && terminal));

  // Decoded records flow: capture -> decoder -> inspector -> (filter -> output | summary | timeline).
  RecordOutput output(out, o.format, o.render);
  RecordFilter filter(o.filter, output);
  TrafficSummary summary;
  SessionTimeline timeline(o.timeline.value_or(0), out);
  RecordConsumer& after_inspection = o.summary ? static_cast<RecordConsumer&>(summary)
                                     : o.timeline ? static_cast<RecordConsumer&>(timeline)
                                                  : static_cast<RecordConsumer&>(filter);
  SessionInspector inspector(config.inspector, after_inspection);
  SourceTotals totals;
  capture::CaptureOptions capture_options;
  capture_options.server_ports = o.ports;
  capture_options.classifier = orient_by_frame_shape;

  int readable = 0;
  for (const std::string& file : o.files) {
    FlowDecoder flows(config.decoder, inspector);
    capture::CaptureReader reader(capture_options);
    capture::CaptureResult result = reader.run_file(file, flows);
    output.flush();
    totals.packets += result.stats.packets;
    totals.captured_bytes += result.stats.bytes;
    totals.lost_bytes += result.stats.lost_bytes;
    if (result.error.failed()) {
      const std::string& message = result.error.message;
      bool names_file = message.find(file) != std::string::npos;
      std::fprintf(stderr, "zkwire analyze: %s%s%s\n", names_file ? "" : file.c_str(), names_file ? "" : ": ",
                   message.c_str());
    }
    if (result.stats.packets > 0) ++readable;
    if (result.stats.packets > 0 && result.stats.flows == 0) {
      std::fprintf(stderr, "zkwire analyze: %s: %llu packets but no TCP connection in them\n", file.c_str(),
                   static_cast<unsigned long long>(result.stats.packets));
    } else if (result.stats.flows > 0 && flows.frames_decoded() == 0) {
      std::fprintf(stderr,
                   "zkwire analyze: %s: %llu TCP connections but not one ZooKeeper frame in them "
                   "(not ZooKeeper traffic, or the capture holds only the middle of long frames)\n",
                   file.c_str(), static_cast<unsigned long long>(result.stats.flows));
    }
    if (result.stats.gaps > 0)
      std::fprintf(stderr, "zkwire analyze: %s: the capture lost %llu bytes in %llu places (see capture_gap records)\n",
                   file.c_str(), static_cast<unsigned long long>(result.stats.lost_bytes),
                   static_cast<unsigned long long>(result.stats.gaps));
  }
  output.flush();
  if (o.summary) {
    std::string document = summary.render(inspector, totals);
    std::fwrite(document.data(), 1, document.size(), out);
  }
  if (o.timeline) timeline.finish();
  std::fflush(out);
  if (out != stdout) std::fclose(out);
  return readable > 0 ? 0 : 1;
}

}  // namespace zkwire
