// The configuration keys' rows, one macro per kind of value.
#include "config/config_keys.h"

#include <cstdio>

namespace zkwire {
namespace {

std::string number_text(double v, bool integer) {
  char buf[64];
  std::snprintf(buf, sizeof buf, integer ? "%.0f" : "%.4g", v);
  return buf;
}

#define ZKWIRE_NUMBER_KEY(section, name, field, type, min, max, reloadable, description)                       \
  ConfigKey {                                                                                                  \
    section, #name, KeyType::type, min, max, {}, reloadable, description,                                      \
        [](const Config& c) {                                                                                  \
          return std::vector<std::string>{number_text(static_cast<double>(c.field), KeyType::type == KeyType::integer)}; \
        },                                                                                                     \
        [](Config& c, const std::vector<std::string>& v) { c.field = static_cast<decltype(c.field)>(std::stod(v[0])); } \
  }
#define ZKWIRE_TEXT_KEY(section, name, field, reloadable, description)                                      \
  ConfigKey {                                                                                                  \
    section, #name, KeyType::text, 0, 0, {}, reloadable, description,                                           \
        [](const Config& c) { return std::vector<std::string>{c.field}; },                                     \
        [](Config& c, const std::vector<std::string>& v) { c.field = v[0]; }                                  \
  }
#define ZKWIRE_LIST_KEY(section, name, field, reloadable, description)                                      \
  ConfigKey {                                                                                                  \
    section, #name, KeyType::list, 0, 0, {}, reloadable, description,                                           \
        [](const Config& c) { return c.field; }, [](Config& c, const std::vector<std::string>& v) { c.field = v; } \
  }
// A choice between the values an enum names (`names` is "a|b|c" in enum order).
#define ZKWIRE_CHOICE_KEY(section, name, field, names, reloadable, description)                              \
  ConfigKey {                                                                                                  \
    section, #name, KeyType::choice, 0, 0, names, reloadable, description,                                      \
        [](const Config& c) { return std::vector<std::string>{choice_name(names, static_cast<size_t>(c.field))}; }, \
        [](Config& c, const std::vector<std::string>& v) {                                                    \
          c.field = static_cast<decltype(c.field)>(choice_index(names, v[0]));                                 \
        }                                                                                                      \
  }

std::string choice_name(std::string_view names, size_t index) {
  for (size_t i = 0; i < index; ++i) names = names.substr(names.find('|') + 1);
  return std::string(names.substr(0, names.find('|')));
}
size_t choice_index(std::string_view names, std::string_view value) {
  for (size_t i = 0;; ++i) {
    if (names.substr(0, names.find('|')) == value || names.find('|') == std::string_view::npos) return i;
    names = names.substr(names.find('|') + 1);
  }
}

const ConfigKey kKeys[] = {
    ZKWIRE_NUMBER_KEY("decoder", max_frame, decoder.max_frame, integer, 16, 2147483647, false,
                      "largest legal frame in bytes: the servers' jute.maxbuffer (default 0xfffff)"),
    ZKWIRE_NUMBER_KEY("decoder", max_pending, decoder.max_pending, integer, 1, 10000000, false,
                      "unanswered requests remembered per connection before the oldest is forgotten"),
    ZKWIRE_NUMBER_KEY("inspector", ping_gap_fraction, inspector.ping_gap_fraction, fraction, 0.05, 10, true,
                      "ping_gap when a client sends nothing for this fraction of its session timeout (2/3: the "
                      "Java client's own read timeout)"),
    ZKWIRE_NUMBER_KEY("inspector", ping_rtt_high_ms, inspector.ping_rtt_high_ms, integer, 1, 3600000, true,
                      "ping_rtt_high when a ping takes longer than this many milliseconds to be answered"),
    ZKWIRE_NUMBER_KEY("inspector", expiry_risk_fraction, inspector.expiry_risk_fraction, fraction, 0.1, 10, true,
                      "expiry_risk when a session is silent on every connection for this fraction of its timeout"),
    ZKWIRE_NUMBER_KEY("inspector", reconnect_storm_count, inspector.reconnect_storm_count, integer, 2, 1000000, true,
                      "reconnect_storm when one session connects this many times within the window"),
    ZKWIRE_NUMBER_KEY("inspector", reconnect_storm_window_ms, inspector.reconnect_storm_window_ms, integer, 1,
                      86400000, true, "the reconnect_storm window in milliseconds"),
    ZKWIRE_NUMBER_KEY("inspector", watch_storm_count, inspector.watch_storm_count, integer, 2, 100000000, true,
                      "watch_storm when one session receives this many notifications within the window"),
    ZKWIRE_NUMBER_KEY("inspector", watch_storm_window_ms, inspector.watch_storm_window_ms, integer, 1, 86400000, true,
                      "the watch_storm window in milliseconds"),
    ZKWIRE_NUMBER_KEY("inspector", large_frame_fraction, inspector.large_frame_fraction, fraction, 0.01, 1, true,
                      "large_frame for frames at least this fraction of max_frame"),
    ZKWIRE_NUMBER_KEY("inspector", forget_after_timeouts, inspector.forget_after_timeouts, fraction, 1, 1000, true,
                      "a session with no connection for this many of its timeouts (at least 10 s) is forgotten "
                      "and its summary entry set aside, so memory follows the sessions alive, not all ever seen"),
    ZKWIRE_LIST_KEY("proxy", listen, proxy.listen, false,
                    "addresses clients connect to, host:port or [ipv6]:port, one listener each"),
    ZKWIRE_LIST_KEY("proxy", upstreams, proxy.upstreams, true,
                    "the ensemble's servers, host:port, or host:port@weight for a larger or smaller share of the "
                    "sessions when rebalancing; on reload, removed servers drain and new ones fill"),
    ZKWIRE_CHOICE_KEY("proxy", policy, proxy.pool.policy, "least_connections|round_robin|random", true,
                      "how a new client's server is chosen"),
    ZKWIRE_NUMBER_KEY("proxy", connect_timeout_ms, proxy.connect_timeout_ms, integer, 1, 600000, true,
                      "how long a server may take to accept a connection before the next one is tried"),
    ZKWIRE_NUMBER_KEY("proxy", handshake_timeout_ms, proxy.handshake_timeout_ms, integer, 0, 600000, true,
                      "how long a server may take to answer a client's ConnectRequest; past it the failure is "
                      "counted and the ConnectRequest (and what followed it) is replayed on the next server, "
                      "unseen by the client; 0: wait as long as the client does"),
    ZKWIRE_CHOICE_KEY("proxy", health_check, proxy.health.command, "off|srvr|ruok", true,
                      "the four-letter word each server is checked with, on its own short connection: srvr gives "
                      "mode and zxid and is on by default because it is the one word ZooKeeper whitelists out of "
                      "the box, so a dead, paused or not-serving server is ejected before a client is sent to it; "
                      "ruok says alive only"),
    ZKWIRE_NUMBER_KEY("proxy", health_check_interval_ms, proxy.health.interval_ms, integer, 100, 3600000, true,
                      "how often each server is checked"),
    ZKWIRE_NUMBER_KEY("proxy", health_check_timeout_ms, proxy.health.timeout_ms, integer, 10, 600000, true,
                      "a check that has not connected, asked and read the whole reply within this fails"),
    ZKWIRE_CHOICE_KEY("proxy", avoid_leader, proxy.pool.avoid_leader, "false|true", true,
                      "send new clients to the leader only when no other server is up and serving, so the leader "
                      "keeps its time for writes (needs health_check: srvr, which reports the mode)"),
    ZKWIRE_CHOICE_KEY("proxy", rebalance, proxy.rebalance.enabled, "false|true", true,
                      "move sessions, one at a safe point (no request pending) at a time, so that every server "
                      "holds its weighted fair share after servers are added, removed, ejected or come back"),
    ZKWIRE_NUMBER_KEY("proxy", rebalance_tolerance, proxy.rebalance.tolerance, integer, 0, 1000000, true,
                      "sessions a server may be above or below its fair share before sessions are moved"),
    ZKWIRE_NUMBER_KEY("proxy", moves_per_second, proxy.rebalance.moves_per_second, fraction, 0.1, 100000, true,
                      "the pace of moves, so the ensemble never sees a reconnect storm"),
    ZKWIRE_NUMBER_KEY("proxy", move_burst, proxy.rebalance.burst, integer, 1, 100000, true,
                      "moves that may start at once after a quiet spell"),
    ZKWIRE_CHOICE_KEY("proxy", follow_ensemble_config, proxy.rebalance.follow_ensemble_config, "false|true", false,
                      "read the server list from the ensemble's /zookeeper/config over a session of the proxy's "
                      "own and follow its dynamic reconfigurations (upstreams then only says where to ask first)"),
    ZKWIRE_NUMBER_KEY("proxy", failure_limit, proxy.pool.failure_limit, integer, 1, 1000000, true,
                      "consecutive connection or health check failures that eject a server"),
    ZKWIRE_NUMBER_KEY("proxy", retry_timeout_ms, proxy.pool.retry_timeout_ms, integer, 0, 86400000, true,
                      "how long an ejected server sits out before it is tried again"),
    ZKWIRE_NUMBER_KEY("proxy", high_watermark, proxy.high_watermark, integer, 4096, 1073741824, true,
                      "bytes queued toward one side before the other side is no longer read (backpressure)"),
    ZKWIRE_NUMBER_KEY("proxy", low_watermark, proxy.low_watermark, integer, 0, 1073741824, true,
                      "queued bytes below which reading resumes"),
    ZKWIRE_NUMBER_KEY("proxy", max_connections, proxy.max_connections, integer, 1, 10000000, true,
                      "client connections at most; more are closed on accept"),
    ZKWIRE_NUMBER_KEY("proxy", drain_timeout_ms, proxy.drain_timeout_ms, integer, 0, 3600000, true,
                      "on SIGTERM, how long in-flight requests may take to finish before the proxy exits"),
    ZKWIRE_NUMBER_KEY("proxy", poll_before_sleep_us, proxy.poll_before_sleep_us, integer, 0, 10000, true,
                      "with nothing to do, keep looking for new bytes this long (yielding the core between looks) "
                      "before sleeping, so the peers' sends need not wake the proxy: less latency for more CPU; a "
                      "look that comes back empty stops the looking until the stream is busy again (0: sleep at "
                      "once; 50 is a good start)"),
    ZKWIRE_NUMBER_KEY("proxy", spin_when_saturated_us, proxy.spin_when_saturated_us, integer, 0, 10000, true,
                      "while saturated (a loop turn served two sockets or more), keep looking for new bytes this long "
                      "without yielding the core before sleeping; spinning is paid for by work, 0.5 us per callback "
                      "that moved bytes at most, so a proxy that is not saturated never spins (0: never)"),
    ZKWIRE_CHOICE_KEY("proxy", oversized_frame, proxy.oversized_frame, "flag|close", true,
                      "a frame above max_frame: flag it and pass it on, or close the connection"),
    ZKWIRE_TEXT_KEY("proxy", admin, proxy.admin, false,
                    "admin HTTP endpoint host:port (/metrics /sessions /connections /healthz /config); empty: off"),
    ZKWIRE_TEXT_KEY("proxy", log_traffic, proxy.log_traffic, false,
                    "decoded traffic and anomalies: a file, - for stdout, empty: off"),
    ZKWIRE_CHOICE_KEY("proxy", log_format, proxy.log_format, "jsonl|text", false,
                      "the traffic log's format: JSON lines (docs/output.md) or one readable line per record"),
    ZKWIRE_NUMBER_KEY("proxy", log_max_bytes, proxy.log_max_bytes, integer, 4096, 1e12, false,
                      "a traffic log file is rotated when it reaches this many bytes"),
    ZKWIRE_NUMBER_KEY("proxy", log_files, proxy.log_files, integer, 1, 1000, false,
                      "rotated traffic log files kept"),
    ZKWIRE_CHOICE_KEY("proxy", log_level, proxy.log_level, "trace|debug|info|warn|error|critical|off", true,
                      "the human log's level (stderr)"),
};

}  // namespace

std::span<const ConfigKey> all_config_keys() { return kKeys; }

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::integer: return "an integer";
    case KeyType::fraction: return "a number";
    case KeyType::text: return "a string";
    case KeyType::list: return "a list of strings";
    case KeyType::choice: return "one of";
  }
  return "";
}

}  // namespace zkwire
