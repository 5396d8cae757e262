// Parses the proxy's flags (and --config), then runs the proxy until SIGTERM/SIGINT.
#include "cli/proxy_command.h"

#include <algorithm>
#include <charconv>
#include <optional>
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
      "  --connect-timeout-ms N     per server, before the next is tried (default 3000)\n"
      "  --handshake-timeout-ms N   a server that accepts and leaves the ConnectRequest unanswered this long is\n"
      "                             counted as failed and the next gets it, unseen by the client (default 2000)\n"
      "  --health-check WORD        srvr (default: mode and zxid), ruok (alive only), or off\n"
      "  --health-check-interval-ms N  how often each server is checked (default 2000)\n"
      "  --health-check-timeout-ms N   a check that takes longer fails (default 1000)\n"
      "  --avoid-leader             new clients go to the leader only when no other server serves\n"
      "  --rebalance                move sessions at safe points so each server holds its fair share\n"
      "  --rebalance-tolerance N    sessions a server may be off its share before any move (default 1)\n"
      "  --moves-per-second R       the pace of moves (default 20)\n"
      "  --follow-ensemble-config   take the server list from /zookeeper/config and follow reconfigs\n"
      "  --failure-limit N          consecutive failures before a server is ejected (default 3)\n"
      "  --retry-timeout-ms N       how long an ejected server sits out (default 10000)\n"
      "  --max-connections N        client connections at most (default 10000)\n"
      "  --poll-before-sleep-us N   while the stream is busy, look again for up to N us before sleeping: less\n"
      "                             latency for more CPU (default 0: sleep at once; 50 is a good start)\n"
      "  --spin-when-saturated-us N while saturated, look again for up to N us without yielding the core before\n"
      "                             sleeping, on credit earned by work (default 50; 0: never)\n"
      "  --close-oversized          close a connection that sends a frame above max_frame (default: flag it)\n"
      "  --admin HOST:PORT          admin HTTP endpoint: /metrics /sessions /connections /healthz /config\n"
      "  --log-traffic FILE|-       decoded traffic and anomalies, as JSON lines (docs/output.md)\n"
      "  --log-format jsonl|text    ... or as one readable line per record\n"
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

std::nullopt_t fail_usage(std::string& usage, std::string message) {
  usage = std::move(message);
  return std::nullopt;
}

// The configuration: the file (-c) if any, then the flags on top of it. `usage` is set on a bad flag.
std::optional<Config> configure(std::span<const std::string_view> args, std::vector<ConfigProblem>& problems,
                                std::string& usage) {
  Config config;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "-c" && args[i] != "--config") continue;
    LoadedConfig loaded = load_config_file(std::string(args[i + 1]));
    problems = loaded.problems;
    if (!problems.empty()) return std::nullopt;
    config = loaded.config;
  }
  ProxyOptions& options = config.proxy;
  bool listen_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    bool has_value = i + 1 < args.size();
    std::string_view v = has_value ? args[i + 1] : std::string_view{};
    auto fail = [&](std::string message) {
      usage = std::move(message);
      return std::nullopt;
    };
    if (a == "--check-config") continue;
    if (a == "--close-oversized") {
      options.oversized_frame = OversizedFrameAction::close;
      continue;
    }
    if (a == "--avoid-leader") {
      options.pool.avoid_leader = true;
      continue;
    }
    if (a == "--rebalance") {
      options.rebalance.enabled = true;
      continue;
    }
    if (a == "--follow-ensemble-config") {
      options.rebalance.follow_ensemble_config = true;
      continue;
    }
    if (!has_value) return fail("option '" + std::string(a) + "' needs a value, or is unknown");
    ++i;
    if (a == "-c" || a == "--config") {
      continue;
    } else if (a == "--listen") {
      if (!listen_given) options.listen.clear();
      listen_given = true;
      for (auto& l : split(v)) options.listen.push_back(l);
    } else if (a == "--upstream") {
      options.upstreams = split(v);
    } else if (a == "--policy") {
      if (v == "least_connections") options.pool.policy = BalancePolicy::least_connections;
      else if (v == "round_robin") options.pool.policy = BalancePolicy::round_robin;
      else if (v == "random") options.pool.policy = BalancePolicy::random;
      else return fail("--policy takes least_connections, round_robin or random");
    } else if (a == "--connect-timeout-ms") {
      if (!number(v, options.connect_timeout_ms) || options.connect_timeout_ms <= 0) return fail("--connect-timeout-ms takes milliseconds");
    } else if (a == "--handshake-timeout-ms") {
      if (!number(v, options.handshake_timeout_ms) || options.handshake_timeout_ms < 0) return fail("--handshake-timeout-ms takes milliseconds (0: off)");
    } else if (a == "--health-check") {
      if (v == "srvr") options.health.command = HealthCheck::srvr;
      else if (v == "ruok") options.health.command = HealthCheck::ruok;
      else if (v == "off") options.health.command = HealthCheck::off;
      else return fail("--health-check takes srvr, ruok or off");
    } else if (a == "--health-check-interval-ms") {
      if (!number(v, options.health.interval_ms) || options.health.interval_ms < 100) return fail("--health-check-interval-ms takes milliseconds, 100 or more");
    } else if (a == "--health-check-timeout-ms") {
      if (!number(v, options.health.timeout_ms) || options.health.timeout_ms < 10) return fail("--health-check-timeout-ms takes milliseconds, 10 or more");
    } else if (a == "--rebalance-tolerance") {
      if (!number(v, options.rebalance.tolerance)) return fail("--rebalance-tolerance takes a count of sessions");
    } else if (a == "--moves-per-second") {
      if (!number(v, options.rebalance.moves_per_second) || !(options.rebalance.moves_per_second >= 0.1))
        return fail("--moves-per-second takes a rate, 0.1 or more");
    } else if (a == "--failure-limit") {
      if (!number(v, options.pool.failure_limit) || options.pool.failure_limit == 0) return fail("--failure-limit takes a count");
    } else if (a == "--retry-timeout-ms") {
      if (!number(v, options.pool.retry_timeout_ms) || options.pool.retry_timeout_ms < 0) return fail("--retry-timeout-ms takes milliseconds");
    } else if (a == "--max-connections") {
      if (!number(v, options.max_connections) || options.max_connections == 0) return fail("--max-connections takes a count");
    } else if (a == "--poll-before-sleep-us") {
      if (!number(v, options.poll_before_sleep_us) || options.poll_before_sleep_us > 10000)
        return fail("--poll-before-sleep-us takes microseconds from 0 to 10000");
    } else if (a == "--spin-when-saturated-us") {
      if (!number(v, options.spin_when_saturated_us) || options.spin_when_saturated_us > 10000)
        return fail("--spin-when-saturated-us takes microseconds from 0 to 10000");
    } else if (a == "--admin") {
      options.admin = std::string(v);
    } else if (a == "--log-traffic") {
      options.log_traffic = std::string(v);
    } else if (a == "--log-format") {
      if (v == "jsonl") options.log_format = LogFormat::jsonl;
      else if (v == "text") options.log_format = LogFormat::text;
      else return fail("--log-format takes jsonl or text");
    } else {
      return fail("unknown option '" + std::string(a) + "'");
    }
  }
  config.inspector.max_frame = config.decoder.max_frame;
  if (options.upstreams.empty()) return fail_usage(usage, "no upstream servers (--upstream host:port,... or proxy.upstreams)");
  if (options.low_watermark >= options.high_watermark) return fail_usage(usage, "proxy.low_watermark must be below high_watermark");
  // Only srvr names the leader: without it avoid_leader would silently do nothing.
  if (options.pool.avoid_leader && options.health.command != HealthCheck::srvr)
    return fail_usage(usage, "proxy.avoid_leader needs proxy.health_check: srvr (the mode comes from srvr)");
  return config;
}

}  // namespace

int run_proxy(std::span<const std::string_view> args) {
  bool check_only = false;
  for (std::string_view a : args) {
    if (a == "-h" || a == "--help") {
      print_proxy_help();
      return 0;
    }
    check_only = check_only || a == "--check-config";
  }
  std::vector<ConfigProblem> problems;
  std::string usage;
  std::optional<Config> config = configure(args, problems, usage);
  for (const ConfigProblem& p : problems) std::fprintf(stderr, "zkwire proxy: %s\n", p.to_string().c_str());
  if (!usage.empty()) std::fprintf(stderr, "zkwire proxy: %s\nTry 'zkwire proxy --help'.\n", usage.c_str());
  if (!config) return 2;
  if (check_only) {
    std::fprintf(stderr, "zkwire proxy: configuration OK\n");
    return 0;
  }
  ProxyServer server(*config);
  std::vector<std::string> kept(args.begin(), args.end());  // args outlive nothing; keep our own copy
  bool has_file = std::any_of(kept.begin(), kept.end(), [](const std::string& a) { return a == "-c" || a == "--config"; });
  if (has_file) {
    server.set_reloader([kept](std::vector<ConfigProblem>& reload_problems) {
      std::vector<std::string_view> views(kept.begin(), kept.end());
      // The flags were good at start; what can go wrong now is the file, or a rule between its keys.
      std::string rule;
      std::optional<Config> next = configure(views, reload_problems, rule);
      if (!rule.empty()) reload_problems.push_back({"configuration", 0, 0, rule});
      return next;
    });
  }
  if (!server.start()) return 1;
  return server.run();
}

}  // namespace zkwire
