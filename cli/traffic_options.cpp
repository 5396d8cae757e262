// Options shared by `zkwire analyze` and `zkwire sniff`: output format, filters, decoding and config.
#include "cli/traffic_options.h"

#include <charconv>
#include <cstdio>

#include "decoder/opcodes.h"

namespace zkwire {
namespace {

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


// Returns an exit status when parsing ends the run (help, bad usage), nullopt to go on.
}  // namespace

std::optional<int> parse_traffic_options(std::span<const std::string_view> args, TrafficOptions& o) {
  auto usage_error = [&o](const std::string& message) {
    std::fprintf(stderr, "zkwire %s: %s\nTry 'zkwire %s --help'.\n", o.command.c_str(), message.c_str(),
                 o.command.c_str());
    return 2;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    auto value = [&](std::string_view name) -> std::optional<std::string_view> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)name;
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      o.help();
      return 0;
    } else if ((a == "-i" || a == "--interface") && o.command == "sniff") {
      auto v = value(a);
      if (!v) return usage_error("-i takes an interface name (lo, eth0, any)");
      o.interface = std::string(*v);
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
        o.color = TrafficOptions::Color::automatic;
      else if (v == "always")
        o.color = TrafficOptions::Color::always;
      else if (v == "never")
        o.color = TrafficOptions::Color::never;
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
    } else if (o.command == "analyze") {
      o.files.emplace_back(a);
    } else {
      return usage_error("unexpected argument '" + std::string(a) + "'");
    }
  }
  if (o.command == "analyze" && o.files.empty()) return usage_error("no capture file given");
  if (o.command == "sniff" && o.interface.empty()) return usage_error("no interface given (-i IFACE)");
  return std::nullopt;
}


const char* const kTrafficOptionsHelp =
    "  -f, --format FORMAT      text (default), jsonl (one JSON object per record) or summary (one JSON\n"
    "                           document: counts, latencies, anomalies, every session's story in numbers)\n"
    "      --timeline SESSION   one session's story (connections, reconnects, errors, gaps, anomalies)\n"
    "  -w, --write FILE         write the output to FILE instead of stdout\n"
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
    "The output contract is described in docs/output.md, the anomalies in docs/anomalies.md.\n";

}  // namespace zkwire
