// Parses the proxy's flags (and --config), then runs the proxy until SIGTERM/SIGINT.
#include "cli/proxy_command.h"

#include <charconv>
#include <cstdio>
#include <string>

#include "config/config_loader.h"
#include "proxy/proxy_server.h"

namespace zkwire {
namespace {

void print_proxy_help() {
  std::fputs(
      "usage: zkwire proxy --upstream HOST:PORT[,...] [options]\n"
      "Relay ZooKeeper clients to an ensemble, every byte unchanged, decoding and inspecting on the side.\n\n"
      "  --listen HOST:PORT[,...]   where clients connect (default 127.0.0.1:2181; [::1]:2181 for IPv6)\n"
      "  --upstream HOST:PORT,...   the ensemble's servers\n"
      "  --policy NAME              least_connections (default), round_robin, random\n"
      "  --connect-timeout-ms N     per server, before the next is tried (default 1000)\n"
      "  --failure-limit N          consecutive failures before a server is ejected (default 3)\n"
      "  --retry-timeout-ms N       how long an ejected server sits out (default 10000)\n"
      "  --max-connections N        client connections at most (default 10000)\n"
      "  --close-oversized          close a connection that sends a frame above max_frame (default: flag it)\n"
      "  --admin HOST:PORT          admin HTTP endpoint: /metrics /sessions /connections /healthz /config\n"
      "  --log-traffic FILE|-       decoded traffic and anomalies as JSON lines (docs/output.md)\n"
      "  -c, --config FILE          YAML configuration (every key: zkwire describe config); flags override it\n"
      "  --check-config             check the configuration and exit\n",
      stdout);
}

std::vector<std::string> split(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (comma != 0) out.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return out;
}

template <class T>
bool number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

int run_proxy(std::span<const std::string_view> args) {
  auto usage = [](const std::string& message) {
    std::fprintf(stderr, "zkwire proxy: %s\nTry 'zkwire proxy --help'.\n", message.c_str());
    return 2;
  };
  // The file first, then the flags on top of it: flags override the file.
  Config config;
  bool check_only = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      print_proxy_help();
      return 0;
    }
    if (args[i] == "--check-config") check_only = true;
    if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size()) {
      std::string file(args[i + 1]);
      LoadedConfig loaded = load_config_file(file);
      for (const ConfigProblem& p : loaded.problems) std::fprintf(stderr, "zkwire proxy: %s\n", p.to_string().c_str());
      if (!loaded.problems.empty()) return 2;
      config = loaded.config;
    }
  }
  ProxyOptions& options = config.proxy;
  bool listen_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool has_value = i + 1 < args.size();
    std::string_view v = has_value ? args[i + 1] : std::string_view{};
    auto take = [&]() { ++i; };
    if (a == "--check-config") {
      continue;
    } else if (a == "--close-oversized") {
      options.oversized_frame = OversizedFrameAction::close;
    } else if (!has_value) {
      return usage("option '" + std::string(a) + "' needs a value, or is unknown");
    } else if (a == "-c" || a == "--config") {
      take();
    } else if (a == "--listen") {
      if (!listen_given) options.listen.clear();
      listen_given = true;
      for (auto& l : split(v)) options.listen.push_back(l);
      take();
    } else if (a == "--upstream") {
      options.upstreams = split(v);
      take();
    } else if (a == "--policy") {
      if (v == "least_connections") options.pool.policy = BalancePolicy::least_connections;
      else if (v == "round_robin") options.pool.policy = BalancePolicy::round_robin;
      else if (v == "random") options.pool.policy = BalancePolicy::random;
      else return usage("--policy takes least_connections, round_robin or random");
      take();
    } else if (a == "--connect-timeout-ms") {
      if (!number(v, options.connect_timeout_ms) || options.connect_timeout_ms <= 0) return usage("--connect-timeout-ms takes milliseconds");
      take();
    } else if (a == "--failure-limit") {
      if (!number(v, options.pool.failure_limit) || options.pool.failure_limit == 0) return usage("--failure-limit takes a count");
      take();
    } else if (a == "--retry-timeout-ms") {
      if (!number(v, options.pool.retry_timeout_ms) || options.pool.retry_timeout_ms < 0) return usage("--retry-timeout-ms takes milliseconds");
      take();
    } else if (a == "--max-connections") {
      if (!number(v, options.max_connections) || options.max_connections == 0) return usage("--max-connections takes a count");
      take();
    } else if (a == "--admin") {
      options.admin = std::string(v);
      take();
    } else if (a == "--log-traffic") {
      options.log_traffic = std::string(v);
      take();
    } else {
      return usage("unknown option '" + std::string(a) + "'");
    }
  }
  config.inspector.max_frame = config.decoder.max_frame;
  if (options.upstreams.empty()) return usage("no upstream servers (--upstream host:port,... or proxy.upstreams)");
  if (options.low_watermark >= options.high_watermark) return usage("proxy.low_watermark must be below high_watermark");
  if (check_only) {
    std::fprintf(stderr, "zkwire proxy: configuration OK\n");
    return 0;
  }
  ProxyServer server(config);
  if (!server.start()) return 1;
  return server.run();
}

}  // namespace zkwire
