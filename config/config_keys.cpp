// The configuration keys' rows.
#include "config/config_keys.h"

namespace zkwire {
namespace {

// One row: section, key, field, type, limits, meaning.
#define ZKWIRE_KEY(section, name, field, type, min, max, description)                       \
  ConfigKey {                                                                                \
    section, #name, KeyType::type, min, max, description,                                    \
        [](const Config& c) { return static_cast<double>(c.field); },                      \
        [](Config& c, double v) { c.field = static_cast<decltype(c.field)>(v); }           \
  }

const ConfigKey kKeys[] = {
    ZKWIRE_KEY("decoder", max_frame, decoder.max_frame, integer, 16, 2147483647,
               "largest legal frame in bytes: the servers' jute.maxbuffer (default 0xfffff)"),
    ZKWIRE_KEY("decoder", max_pending, decoder.max_pending, integer, 1, 10000000,
               "unanswered requests remembered per connection before the oldest is forgotten"),
    ZKWIRE_KEY("inspector", ping_gap_fraction, inspector.ping_gap_fraction, fraction, 0.05, 10,
               "ping_gap when a client sends nothing for this fraction of its session timeout (2/3: the Java "
               "client's own read timeout)"),
    ZKWIRE_KEY("inspector", ping_rtt_high_ms, inspector.ping_rtt_high_ms, integer, 1, 3600000,
               "ping_rtt_high when a ping takes longer than this many milliseconds to be answered"),
    ZKWIRE_KEY("inspector", expiry_risk_fraction, inspector.expiry_risk_fraction, fraction, 0.1, 10,
               "expiry_risk when a session is silent on every connection for this fraction of its timeout"),
    ZKWIRE_KEY("inspector", reconnect_storm_count, inspector.reconnect_storm_count, integer, 2, 1000000,
               "reconnect_storm when one session connects this many times within the window"),
    ZKWIRE_KEY("inspector", reconnect_storm_window_ms, inspector.reconnect_storm_window_ms, integer, 1, 86400000,
               "the reconnect_storm window in milliseconds"),
    ZKWIRE_KEY("inspector", watch_storm_count, inspector.watch_storm_count, integer, 2, 100000000,
               "watch_storm when one session receives this many notifications within the window"),
    ZKWIRE_KEY("inspector", watch_storm_window_ms, inspector.watch_storm_window_ms, integer, 1, 86400000,
               "the watch_storm window in milliseconds"),
    ZKWIRE_KEY("inspector", large_frame_fraction, inspector.large_frame_fraction, fraction, 0.01, 1,
               "large_frame for frames at least this fraction of max_frame"),
};

#undef ZKWIRE_KEY

}  // namespace

std::span<const ConfigKey> all_config_keys() { return kKeys; }

}  // namespace zkwire
