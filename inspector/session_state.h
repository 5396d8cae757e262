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
  // What a request or reply touches comes first, in one cache line: records of many sessions interleave, so each
  // line the per-record path touches is likely a miss.
  int64_t id = 0;
  Timestamp last_seen;
  Timestamp last_client_activity;  // the last frame its client sent, on any connection
  int64_t max_zxid = 0;  // highest zxid servers returned to it (matched replies, as clients count)
  int32_t timeout_ms = 0;
  bool expiry_risk_reported = false;  // for the current silence
  bool watched = false;  // has an entry in SessionInspector's expiry_due_ queue
  bool ended = false;  // closed with closeSession, or expired: silence no longer matters
  bool read_only = false;
  uint64_t pings = 0, ping_rtt_sum_us = 0;
  int64_t ping_rtt_max_us = 0;
  // The rest: the handshake, attaching and detaching, watches, storms, anomalies.
  std::optional<uint64_t> passwd_fingerprint;  // a hash of the password, never the password
  Timestamp first_seen;
  std::optional<uint64_t> owner;  // the connection the session last attached on
  std::vector<SessionConnection> connections;  // bounded: see kMaxRememberedConnections
  uint64_t connections_total = 0;
  int64_t client_last_zxid_seen = 0;  // from its ConnectRequests
  uint64_t watches_one_shot = 0, watches_persistent = 0, watches_fired = 0;
  int64_t disconnected_us = 0;  // time with no connection attached, between its connections
  // Times within the storm windows; vectors, not deques: an empty deque allocates, and most sessions never fill one.
  std::vector<Timestamp> recent_connects, recent_events;
  std::optional<Timestamp> storm_reported_at, watch_storm_reported_at;
  std::array<uint32_t, kAnomalyCount> anomalies{};
  uint32_t open_connections = 0;  // open connections attached to it or resuming it: it is not forgotten
  Timestamp detached_at;  // when its last connection closed; it is forgotten some timeouts later
  bool forgetting = false;  // being forgotten right now
};

inline constexpr size_t kMaxRememberedConnections = 256;

struct ConnectionState {
  // What a request or reply touches comes first, in one cache line (see SessionState).
  int64_t session = 0;
  SessionState* state = nullptr;  // `session`'s entry, once looked up; only while this connection holds it
  Timestamp last_client_frame, last_server_frame;
  int64_t* server_max_zxid = nullptr;  // its server's entry in server_max_zxid_, once looked up
  int32_t last_xid = INT32_MIN;  // last ordinary (non-negative) request xid
  bool ping_gap_reported = false;  // for the current silence
  bool gap_armed = false;  // has an entry in SessionInspector's gap_due_ queue
  bool closing = false;
  bool started_mid_stream = false;
  bool xid_order_reported = false, zxid_regression_reported = false;
  uint64_t id = 0;
  // The rest: labels, the handshake, ownership.
  std::string client, server;
  Timestamp opened;
  bool handshake_sent = false, handshake_answered = false;
  bool resume = false, wants_read_only = false;
  int64_t requested_session = 0, last_zxid_seen = 0;
  std::optional<uint64_t> passwd_fingerprint;
  bool hijack_reported = false;
  bool stale_owner = false;  // its session has since attached on another server's connection
  int64_t held_session = 0;  // the session whose open_connections counts this connection
  uint32_t resyncs = 0;
};

}  // namespace zkwire
