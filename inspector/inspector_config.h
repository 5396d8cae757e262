// Thresholds of the session inspector, with their defaults (config/zkwire.example.yaml documents each).
#pragma once
#include <cstdint>

namespace zkwire {

struct InspectorConfig {
  // ping_gap: client silence longer than this fraction of the negotiated timeout (the Java client's own read
  // timeout is 2/3 of it; it pings after about 1/3).
  double ping_gap_fraction = 2.0 / 3.0;
  // ping_rtt_high: a ping answered slower than this.
  int64_t ping_rtt_high_ms = 500;
  // expiry_risk: a session silent (no frame from its client on any connection) for this fraction of its timeout.
  double expiry_risk_fraction = 1.0;
  // reconnect_storm: this many connections of one session within the window.
  uint32_t reconnect_storm_count = 5;
  int64_t reconnect_storm_window_ms = 60'000;
  // watch_storm: this many notifications to one session within the window.
  uint32_t watch_storm_count = 100;
  int64_t watch_storm_window_ms = 1'000;
  // large_frame: a frame at least this fraction of max_frame.
  double large_frame_fraction = 0.9;
  uint32_t max_frame = 0xfffff;  // the servers' jute.maxbuffer
  // A session with no connection for this many of its timeouts (at least kMinForgetMs) has long been expired
  // by the servers: its state is freed (its summary entry handed to the SessionArchive first). Memory then
  // follows the sessions alive, not every session a week-long capture or proxy ever saw.
  double forget_after_timeouts = 2.0;
  static constexpr int64_t kMinForgetMs = 10'000;
  // How often (capture time) silences are checked; they are reported when they happen, not at the next frame.
  int64_t check_interval_ms = 250;
};

}  // namespace zkwire
