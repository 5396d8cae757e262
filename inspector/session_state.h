// What the inspector remembers about each session and each connection while records stream past.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "decoder/basics.h"
#include "inspector/anomalies.h"

namespace zkwire {

// One connection a session used, as its timeline and summary tell it.
struct SessionConnection {
  uint64_t connection = 0;
  std::string client, server;
  Timestamp opened, closed;
  bool is_closed = false;
  std::string close_detail;  // how it ended ("fin from the server"...)
  uint32_t pending_at_close = 0;
};

struct SessionState {
  int64_t id = 0;
  int32_t timeout_ms = 0;
  std::optional<uint64_t> passwd_fingerprint;  // a hash of the password, never the password
  bool read_only = false;
  bool ended = false;  // closed with closeSession, or expired: silence no longer matters
  Timestamp first_seen, last_seen;
  Timestamp last_client_activity;  // the last frame its client sent, on any connection
  bool expiry_risk_reported = false;  // for the current silence
  std::optional<uint64_t> owner;  // the connection the session last attached on
  std::vector<SessionConnection> connections;  // bounded: see kMaxRememberedConnections
  uint64_t connections_total = 0;
  int64_t client_last_zxid_seen = 0;  // from its ConnectRequests
  int64_t max_zxid = 0;  // highest zxid servers returned to it (matched replies, as clients count)
  uint64_t watches_one_shot = 0, watches_persistent = 0, watches_fired = 0;
  uint64_t pings = 0, ping_rtt_sum_us = 0;
  int64_t ping_rtt_max_us = 0;
  int64_t disconnected_us = 0;  // time with no connection attached, between its connections
  // Times within the storm windows; vectors, not deques: an empty deque allocates, and most sessions never fill one.
  std::vector<Timestamp> recent_connects, recent_events;
  std::optional<Timestamp> storm_reported_at, watch_storm_reported_at;
  std::array<uint32_t, kAnomalyCount> anomalies{};
  bool watched = false;  // in SessionInspector::watched_
};

inline constexpr size_t kMaxRememberedConnections = 256;

struct ConnectionState {
  uint64_t id = 0;
  std::string client, server;
  Timestamp opened;
  bool started_mid_stream = false;
  int64_t session = 0;
  SessionState* state = nullptr;  // `session`'s entry, once looked up
  int64_t* server_max_zxid = nullptr;  // the inspector's highest zxid from `server`, once looked up
  bool handshake_sent = false, handshake_answered = false, closing = false;
  bool resume = false, wants_read_only = false;
  int64_t requested_session = 0, last_zxid_seen = 0;
  std::optional<uint64_t> passwd_fingerprint;
  bool hijack_reported = false;
  bool stale_owner = false;  // its session has since attached on another server's connection
  Timestamp last_client_frame, last_server_frame;
  bool ping_gap_reported = false;  // for the current silence
  int32_t last_xid = INT32_MIN;  // last ordinary (non-negative) request xid
  bool xid_order_reported = false, zxid_regression_reported = false;
  uint32_t resyncs = 0;
};

}  // namespace zkwire
