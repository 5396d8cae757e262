// What `zkwire proxy` is told: where to listen, where to forward, and the limits it keeps.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <string_view>

namespace zkwire {

// How the upstream of a new client is chosen.
enum class BalancePolicy : uint8_t { least_connections, round_robin, random };
constexpr std::string_view policy_name(BalancePolicy p) {
  return p == BalancePolicy::least_connections ? "least_connections"
         : p == BalancePolicy::round_robin     ? "round_robin"
                                               : "random";
}

struct PoolOptions {
  BalancePolicy policy = BalancePolicy::least_connections;
  uint32_t failure_limit = 3;  // consecutive connect or health check failures before ejection
  int64_t retry_timeout_ms = 10'000;  // how long an ejected server sits out
  bool avoid_leader = false;  // new clients go to the leader only when no other server is up and serving
};

// The four-letter word a health check sends; `off`: no checks.
enum class HealthCheck : uint8_t { off, srvr, ruok };
constexpr std::string_view health_check_name(HealthCheck h) {
  return h == HealthCheck::off ? "off" : h == HealthCheck::srvr ? "srvr" : "ruok";
}

struct HealthCheckOptions {
  HealthCheck command = HealthCheck::srvr;
  int64_t interval_ms = 2'000;  // between two checks of one server
  int64_t timeout_ms = 1'000;  // connect, send, and read the whole reply within this
};

// Moving sessions so every server holds its fair share (docs/rebalancing.md).
struct RebalanceOptions {
  bool enabled = false;
  uint32_t tolerance = 1;  // sessions a server may be off its fair share before anything moves
  double moves_per_second = 20;  // the pace: the ensemble must never see a reconnect storm
  uint32_t burst = 10;  // moves that may start at once after a quiet spell
  int64_t give_up_ms = 30'000;  // a moved client that has not reconnected by then is no longer routed
  bool follow_ensemble_config = false;  // take the server list from /zookeeper/config and follow its changes
};

enum class LogFormat : uint8_t { jsonl, text };
// In spdlog's order, so the value converts directly.
enum class LogLevel : uint8_t { trace, debug, info, warn, error, critical, off };

enum class OversizedFrameAction : uint8_t { flag, close };
constexpr std::string_view oversized_action_name(OversizedFrameAction a) {
  return a == OversizedFrameAction::flag ? "flag" : "close";
}

struct ProxyOptions {
  std::vector<std::string> listen{"127.0.0.1:2181"};  // one listener per address, IPv4 or IPv6
  std::vector<std::string> upstreams;  // "host:port" or "host:port@weight" (weights for rebalancing)
  PoolOptions pool;
  RebalanceOptions rebalance;
  // Per upstream attempt, before the next server is tried. Not 1 s: a burst of connects overflows ZooKeeper's
  // listen backlog of 50 and the kernel resends a dropped SYN after 1 s, which would fail a healthy server.
  int64_t connect_timeout_ms = 3'000;
  // From the client's ConnectRequest to the server's first byte; past it the next server gets the ConnectRequest.
  int64_t handshake_timeout_ms = 2'000;  // 0: wait as long as the client does
  HealthCheckOptions health;
  size_t high_watermark = 256u << 10;  // stop reading a side when the other's output holds this much
  size_t low_watermark = 64u << 10;  // and resume below this
  uint32_t max_connections = 10'000;
  int64_t drain_timeout_ms = 5'000;  // on SIGTERM: how long pending requests may take to finish
  // With nothing to do, keep looking this long before sleeping, while the stream is busy (proxy/event_loop.h). Off
  // by default: it trades CPU for latency, a trade for the operator to make (haproxy's busy-polling is off too).
  uint32_t poll_before_sleep_us = 0;
  // While saturated, spin this long before sleeping, on credit earned by work (proxy/event_loop.h). On by default: with
  // deep pipelines it moves about 2% more requests for 1% more CPU per request; a proxy never saturated never spins.
  uint32_t spin_when_saturated_us = 50;
  OversizedFrameAction oversized_frame = OversizedFrameAction::flag;
  std::string admin;  // "127.0.0.1:9181"; empty: no admin endpoint
  std::string log_traffic;  // decoded traffic and anomalies: a file, "-" for stdout, empty: none
  LogFormat log_format = LogFormat::jsonl;  // JSON lines (docs/output.md), or text for people watching
  uint64_t log_max_bytes = 100u << 20;  // a traffic log file is rotated at this size...
  uint32_t log_files = 5;  // ...keeping this many old files
  LogLevel log_level = LogLevel::info;  // the human log on stderr
};

}  // namespace zkwire
