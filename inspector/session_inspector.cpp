// The inspector's rules: each record updates session and connection state, and some reveal an anomaly.
#include "inspector/session_inspector.h"

#include <algorithm>
#include <cstdio>

#include "decoder/opcodes.h"
#include "output/labels.h"

namespace zkwire {
namespace {

std::string seconds(int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(us) / 1e6);
  return buf;
}

// FNV-1a: enough to tell two passwords apart in a report without keeping either.
uint64_t fingerprint(const Secret& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : s.value.bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

constexpr int32_t kSessionExpired = -112, kAuthFailed = -115, kSessionMoved = -118, kNotReadOnly = -119,
                  kAuthRequired = -124, kThrottled = -127;

bool is_op(const Record& r, OpCode op) { return r.op == static_cast<int32_t>(op); }

}  // namespace

SessionState& SessionInspector::session(int64_t id, Timestamp ts) {
  auto [it, fresh] = sessions_.try_emplace(id);
  SessionState& s = it->second;
  if (fresh) {
    s.id = id;
    s.first_seen = ts;
    s.last_client_activity = ts;
  }
  s.last_seen = ts;
  return s;
}

// The connection's session, looked up once and then remembered (map nodes never move). The connection holds it, so
// the entry is not forgotten (erased) under the pointer: a session set from a record, not an attach, is held too.
SessionState& SessionInspector::session_of(ConnectionState& c, Timestamp ts) {
  if (!c.state || c.state->id != c.session) {
    SessionState& s = session(c.session, ts);
    hold(c, s);
    c.state = &s;
  } else {
    c.state->last_seen = ts;
  }
  return *c.state;
}

SessionConnection* SessionInspector::session_connection(SessionState& s, uint64_t connection) {
  for (auto it = s.connections.rbegin(); it != s.connections.rend(); ++it)
    if (it->connection == connection) return &*it;
  return nullptr;
}

void SessionInspector::flag(Anomaly a, const ConnectionState* c, int64_t session_id, Timestamp ts,
                            const std::string& detail) {
  const AnomalyInfo& info = anomaly_info(a);
  ++anomaly_counts_[static_cast<size_t>(a)];
  if (session_id != 0) {
    auto it = sessions_.find(session_id);
    if (it != sessions_.end()) ++it->second.anomalies[static_cast<size_t>(a)];
  }
  Record r;
  r.kind = RecordKind::anomaly;
  r.ts = ts;
  r.session = session_id;
  r.anomaly = info.id;
  r.severity = severity_name(info.severity);
  r.detail = detail;
  FlowLabels labels;
  if (c) labels = {c->client, c->server};
  next_.consume(c ? c->id : 0, r, labels);
}

void SessionInspector::consume(uint64_t id, const Record& r, const FlowLabels& flow) {
  // Silences are judged before the record that may end one: offline, nothing else happens meanwhile.
  if (check_due(r.ts)) check_silences(r.ts);
  next_.consume(id, r, flow);
  if (r.kind == RecordKind::connection_open) return on_connection_open(id, r, flow);
  ConnectionState* found = find_connection(id);
  if (!found) return;
  ConnectionState& c = *found;
  // Nearly every record is a request or a reply on a connection whose session is looked up already (so it exists and
  // is not 0) and whose silence is being timed, in a frame far below the size limit. One test covers all that; such a
  // record then skips the general path's checks, none of which could apply, and updates the same state in order.
  if (c.gap_armed && r.length < large_frame_from_ && (r.kind == RecordKind::request || r.kind == RecordKind::reply) &&
      c.state && c.state->id == c.session) {
    SessionState& s = *c.state;
    if (r.dir == Direction::client_to_server) {
      note_client_frame(c, r.ts);
      note_client_activity(s, r.ts);
    } else if (r.dir == Direction::server_to_client) {
      c.last_server_frame = r.ts;
    }
    s.last_seen = r.ts;
    if (r.kind == RecordKind::request) return on_request(c, id, r, &s);
    return on_reply(c, id, r, &s);
  }
  if (r.session != 0 && c.session == 0 && r.kind != RecordKind::connect_request) c.session = r.session;

  if (r.dir == Direction::client_to_server && r.kind != RecordKind::connection_close &&
      r.kind != RecordKind::anomaly && r.kind != RecordKind::capture_gap) {
    note_client_frame(c, r.ts);
    if (c.session != 0) note_client_activity(session_of(c, r.ts), r.ts);
  } else if (r.dir == Direction::server_to_client) {
    c.last_server_frame = r.ts;
  }
  if (r.length >= large_frame_from_ && r.length <= config_.max_frame &&
      r.kind != RecordKind::decode_error) {
    flag_lazily(Anomaly::large_frame, &c, c.session, r.ts, [&] {
      return std::to_string(r.length) + "-byte frame, " + std::to_string(r.length * 100 / config_.max_frame) +
             "% of the " + std::to_string(config_.max_frame) + "-byte maximum (jute.maxbuffer)";
    });
  }

  switch (r.kind) {
    case RecordKind::connect_request: on_connect_request(c, id, r); break;
    case RecordKind::connect_response: on_connect_response(c, id, r); break;
    case RecordKind::request: on_request(c, id, r); break;
    case RecordKind::reply: on_reply(c, id, r); break;
    case RecordKind::event: on_event(c, id, r); break;
    case RecordKind::decode_error:
    case RecordKind::stream_resync: on_decode_trouble(c, id, r); break;
    case RecordKind::connection_close:
      on_connection_close(c, id, r);
      release(c);
      if (last_connection_ == &c) last_connection_ = nullptr;
      connections_.erase(id);
      return;
    default: break;
  }
  if (c.session != 0 && !c.gap_armed && !c.closing && !c.ping_gap_reported) arm_gap(c, c.last_client_frame.ns);
}

void SessionInspector::advance_to(Timestamp now) {
  if (check_due(now)) check_silences(now);
}

void SessionInspector::on_connection_open(uint64_t id, const Record& r, const FlowLabels& flow) {
  ConnectionState& c = connections_.emplace(id);
  c.id = id;
  c.client = flow.client;
  c.server = flow.server;
  c.opened = r.ts;
  c.last_client_frame = c.last_server_frame = r.ts;
  c.started_mid_stream = r.started_mid_stream;
}

void SessionInspector::on_connect_request(ConnectionState& c, uint64_t id, const Record& r) {
  const auto* request = std::get_if<ConnectRequest>(&r.body);
  if (!request) return;
  c.handshake_sent = true;
  c.requested_session = request->sessionId;
  c.resume = request->sessionId != 0;
  c.last_zxid_seen = request->lastZxidSeen;
  c.wants_read_only = request->readOnly.present && request->readOnly.value;
  c.passwd_fingerprint = fingerprint(request->passwd);
  if (!c.resume) return;
  SessionState& s = session(request->sessionId, r.ts);
  hold(c, s);
  s.client_last_zxid_seen = std::max(s.client_last_zxid_seen, request->lastZxidSeen);
  if (s.passwd_fingerprint && *s.passwd_fingerprint != *c.passwd_fingerprint) {
    c.hijack_reported = true;
    flag(Anomaly::session_hijack_attempt, &c, s.id, r.ts,
         "resume of session " + hex_label(s.id) + " from " + c.client + " with a password that differs from the one "
             "the session was granted; the server drops the owner's connection at once");
  }
  (void)id;
}

void SessionInspector::on_connect_response(ConnectionState& c, uint64_t id, const Record& r) {
  c.handshake_answered = true;
  const auto* response = std::get_if<ConnectResponse>(&r.body);
  if (!response) return;
  if (response->sessionId == 0 || response->timeOut <= 0) {
    if (c.resume && !c.hijack_reported) {
      SessionState& expired = session(c.requested_session, r.ts);
      expired.ended = true;
      schedule_forget(expired, r.ts);
      flag(Anomaly::session_expired, &c, c.requested_session, r.ts,
           "the server answered the resume of session " + hex_label(c.requested_session) +
               " with a zeroed ConnectResponse: the session had expired (or was closed); its ephemeral nodes "
               "and watches are gone and the client must start a new session");
    }
    return;
  }
  c.session = response->sessionId;
  SessionState& s = session(response->sessionId, r.ts);
  hold(c, s);
  s.timeout_ms = response->timeOut;
  watch(s);
  s.read_only = response->readOnly.present && response->readOnly.value;
  if (!s.passwd_fingerprint) s.passwd_fingerprint = fingerprint(response->passwd);
  // Time without any attached connection, since the previous one closed.
  if (!s.connections.empty() && s.connections.back().is_closed && s.connections.back().connection != id)
    s.disconnected_us += micros_between(s.connections.back().closed, c.opened);
  if (s.connections.size() >= kMaxRememberedConnections) s.connections.erase(s.connections.begin());
  s.connections.push_back({id, c.client, c.server, c.opened, {}, false, {}, 0});
  ++s.connections_total;

  if (s.read_only) {
    flag(Anomaly::readonly_session, &c, s.id, r.ts,
         "session " + hex_label(s.id) + " connected read-only to " + c.server +
             ": that server has lost its quorum; writes will fail with NOTREADONLY");
  }
  // Another connection still holding the session on a different server: SessionMoved territory.
  if (s.owner && *s.owner != id) {
    ConnectionState* old = connections_.find(*s.owner);
    if (old && old->server != c.server) {
      old->stale_owner = true;
      flag(Anomaly::session_moved, &c, s.id, r.ts,
           "session " + hex_label(s.id) + " attached on " + c.server + " (from " + c.client + ") while its connection " +
               old->client + " -> " + old->server +
               " is still open; the old server will close that connection on its next write");
    }
  }
  s.owner = id;

  s.recent_connects.push_back(r.ts);
  int64_t window_ns = config_.reconnect_storm_window_ms * 1'000'000;
  s.recent_connects.erase(s.recent_connects.begin(),
                          std::find_if(s.recent_connects.begin(), s.recent_connects.end(),
                                       [&](Timestamp t) { return r.ts.ns - t.ns <= window_ns; }));
  if (s.recent_connects.size() >= config_.reconnect_storm_count && (!s.storm_reported_at || r.ts.ns - s.storm_reported_at->ns > window_ns)) {
    s.storm_reported_at = r.ts;
    flag(Anomaly::reconnect_storm, &c, s.id, r.ts,
         "session " + hex_label(s.id) + " connected " + std::to_string(s.recent_connects.size()) + " times within " +
             seconds(config_.reconnect_storm_window_ms * 1000));
  }
}

void SessionInspector::on_request(ConnectionState& c, uint64_t id, const Record& r, SessionState* known) {
  (void)id;
  if (r.xid >= 0) {
    if (r.xid <= c.last_xid && !c.xid_order_reported) {
      c.xid_order_reported = true;
      flag_lazily(Anomaly::xid_out_of_order, &c, c.session, r.ts, [&] {
        return "request xid " + std::to_string(r.xid) + " after xid " + std::to_string(c.last_xid) + " on " + c.client +
               " -> " + c.server + ": requests left the client out of order";
      });
    }
    c.last_xid = std::max(c.last_xid, r.xid);
  }
  if (is_op(r, OpCode::closeSession)) c.closing = true;
  if (is_op(r, OpCode::check)) {
    flag_lazily(Anomaly::unsafe_check, &c, c.session, r.ts, [&] {
      return "top-level check on xid " + std::to_string(r.xid) +
             ": ZooKeeper 3.8 sends no reply and writes a txn that stops the server from restarting";
    });
  }
  if (!known) {
    if (c.session == 0) return;
    known = &session_of(c, r.ts);
  }
  SessionState& s = *known;
  if (is_op(r, OpCode::addWatch)) {
    ++s.watches_persistent;
  } else if (is_op(r, OpCode::exists) || is_op(r, OpCode::getData) || is_op(r, OpCode::getChildren) ||
             is_op(r, OpCode::getChildren2)) {
    if (const auto* body = std::get_if<PathWatchRequest>(&r.body); body && body->watch) ++s.watches_one_shot;
  }
}

void SessionInspector::on_reply(ConnectionState& c, uint64_t id, const Record& r, SessionState* known) {
  (void)id;
  if (r.unmatched && !c.started_mid_stream) {
    flag_lazily(Anomaly::reply_without_request, &c, c.session, r.ts, [&] {
      return "reply xid " + std::to_string(r.xid) + " on " + c.client + " <- " + c.server +
             " matches no request sent on this connection";
    });
  }
  if (r.out_of_order && !c.xid_order_reported) {
    c.xid_order_reported = true;
    flag_lazily(Anomaly::xid_out_of_order, &c, c.session, r.ts, [&] {
      return "the reply to xid " + std::to_string(r.xid) +
             " overtook replies to earlier requests; the Java client "
             "drops the connection on this (\"Xid out of order\")";
    });
  }
  if (r.zxid > 0) {
    if (!c.server_max_zxid) c.server_max_zxid = &server_max_zxid_[c.server];  // map nodes never move
    *c.server_max_zxid = std::max(*c.server_max_zxid, r.zxid);
  }
  switch (r.err) {
    case kSessionExpired:
      flag_lazily(Anomaly::session_expired, &c, c.session, r.ts, [&] {
        return "SESSIONEXPIRED for xid " + std::to_string(r.xid) + ": the session is expired or closing";
      });
      break;
    case kAuthFailed:
    case kAuthRequired:
      flag_lazily(Anomaly::auth_failed, &c, c.session, r.ts, [&] {
        return std::string(r.err == kAuthFailed ? "AUTHFAILED" : "SESSIONCLOSEDREQUIRESASLAUTH") + " on " + c.client +
               " -> " + c.server + "; the server closes the connection";
      });
      break;
    case kSessionMoved:
      flag_lazily(Anomaly::session_moved, &c, c.session, r.ts,
                  [&] { return "SESSIONMOVED for xid " + std::to_string(r.xid); });
      break;
    case kNotReadOnly:
      flag_lazily(Anomaly::not_readonly, &c, c.session, r.ts, [&] {
        return "NOTREADONLY: a write reached read-only server " + c.server + ", which has lost its quorum";
      });
      break;
    case kThrottled:
      flag_lazily(Anomaly::throttled, &c, c.session, r.ts,
                  [&] { return "THROTTLEDOP for xid " + std::to_string(r.xid) + " from " + c.server; });
      break;
    default: break;
  }
  if (!known) {
    if (c.session == 0) return;
    known = &session_of(c, r.ts);
  }
  SessionState& s = *known;
  if (is_op(r, OpCode::closeSession) && r.err == 0) s.ended = true;
  if (is_op(r, OpCode::ping)) {
    ++s.pings;
    if (r.latency_us >= 0) {
      s.ping_rtt_sum_us += static_cast<uint64_t>(r.latency_us);
      s.ping_rtt_max_us = std::max(s.ping_rtt_max_us, r.latency_us);
      if (r.latency_us > config_.ping_rtt_high_ms * 1000) {
        flag_lazily(Anomaly::ping_rtt_high, &c, s.id, r.ts,
                    [&] { return "ping answered in " + std::to_string(r.latency_us / 1000) + " ms by " + c.server; });
      }
    }
    return;
  }
  // Clients track lastZxid from matched replies other than pings and auth; so does the inspector.
  if (r.unmatched || r.xid == kAuthXid || r.zxid <= 0) return;
  if (r.zxid < s.max_zxid && !c.zxid_regression_reported) {
    c.zxid_regression_reported = true;
    flag_lazily(Anomaly::zxid_regression, &c, s.id, r.ts, [&] {
      return "reply zxid " + hex_label(r.zxid) + " from " + c.server + " is below " + hex_label(s.max_zxid) +
             ", which the session already saw: this server is behind";
    });
  }
  s.max_zxid = std::max(s.max_zxid, r.zxid);
}

void SessionInspector::on_event(ConnectionState& c, uint64_t id, const Record& r) {
  (void)id;
  if (c.session == 0) return;
  SessionState& s = session_of(c, r.ts);
  ++s.watches_fired;
  s.recent_events.push_back(r.ts);
  int64_t window_ns = config_.watch_storm_window_ms * 1'000'000;
  s.recent_events.erase(s.recent_events.begin(),
                        std::find_if(s.recent_events.begin(), s.recent_events.end(),
                                     [&](Timestamp t) { return r.ts.ns - t.ns <= window_ns; }));
  if (s.recent_events.size() >= config_.watch_storm_count && (!s.watch_storm_reported_at || r.ts.ns - s.watch_storm_reported_at->ns > window_ns)) {
    s.watch_storm_reported_at = r.ts;
    flag(Anomaly::watch_storm, &c, s.id, r.ts,
         std::to_string(s.recent_events.size()) + " watch notifications to session " + hex_label(s.id) + " within " +
             std::to_string(config_.watch_storm_window_ms) + " ms");
  }
}

void SessionInspector::on_decode_trouble(ConnectionState& c, uint64_t id, const Record& r) {
  (void)id;
  if (r.kind == RecordKind::stream_resync) {
    // The first boundary of a connection the capture joined late is expected, not lost framing.
    bool expected = c.started_mid_stream && ++c.resyncs <= 2;
    if (!expected) {
      flag(Anomaly::desync, &c, c.session, r.ts,
           "framing lost on " + std::string(direction_name(r.dir)) + " of " + c.client + " -> " + c.server +
               "; found again after skipping " + std::to_string(r.byte_count) + " bytes");
    }
    return;
  }
  if (r.error == DecodeError::frame_too_large) {
    flag(Anomaly::oversized_frame, &c, c.session, r.ts,
         std::to_string(r.error_value) + "-byte frame " + std::string(direction_name(r.dir)) + " on " + c.client +
             " -> " + c.server + ", above the " + std::to_string(config_.max_frame) +
             "-byte maximum: the server closes the connection without a reply");
  } else if (r.error == DecodeError::negative_length) {
    flag(Anomaly::desync, &c, c.session, r.ts,
         "negative frame length on " + std::string(direction_name(r.dir)) + " of " + c.client + " -> " + c.server);
  }
}

void SessionInspector::on_connection_close(ConnectionState& c, uint64_t id, const Record& r) {
  bool server_closed = r.detail.find("from the server") != std::string_view::npos;
  // The proxy gave up on a server that accepted and never answered (and replayed the handshake elsewhere).
  bool handshake_timeout = r.detail.starts_with("handshake timeout");
  if (c.handshake_sent && !c.handshake_answered && handshake_timeout) {
    flag(Anomaly::handshake_unanswered, &c, c.requested_session, r.ts,
         c.server + " accepted " + c.client + " and did not answer its ConnectRequest (" + std::string(r.detail) + ")");
  } else if (c.handshake_sent && !c.handshake_answered && server_closed) {
    auto known = server_max_zxid_.find(c.server);
    if (c.resume && known != server_max_zxid_.end() && c.last_zxid_seen > known->second) {
      flag(Anomaly::stale_reconnect, &c, c.requested_session, r.ts,
           "resume of session " + hex_label(c.requested_session) + " with lastZxidSeen " + hex_label(c.last_zxid_seen) +
               " refused by " + c.server + ", which has only reached " + hex_label(known->second) +
               ": the client must try another server");
    } else {
      flag(Anomaly::handshake_unanswered, &c, c.requested_session, r.ts,
           c.server + " closed " + c.client + " without answering its ConnectRequest" +
               (c.resume ? " (resume of " + hex_label(c.requested_session) + ", lastZxidSeen " + hex_label(c.last_zxid_seen) + ")"
                         : std::string(c.wants_read_only ? "" : " (a client that does not accept read-only servers)")));
    }
  }
  if (r.pending > 0) {
    flag(Anomaly::unanswered_requests, &c, c.session, r.ts,
         std::to_string(r.pending) + " request(s) never answered when " + c.client + " -> " + c.server + " closed (" +
             std::string(r.detail) + "): the client sees ConnectionLoss for each");
  }
  if (c.stale_owner && server_closed && r.pending > 0) {
    flag(Anomaly::session_moved, &c, c.session, r.ts,
         c.server + " closed the stale connection " + c.client + " of session " + hex_label(c.session) +
             " on a request, with no reply: the session had moved to another server");
  }
  if (c.session == 0) {
    // A resume that was never answered created an entry for its session: it is detached too.
    if (c.resume) schedule_forget(session(c.requested_session, r.ts), r.ts);
    return;
  }
  SessionState& s = session_of(c, r.ts);
  // A server that closes a quiet session's socket without a word has usually just expired it.
  int64_t silence_us = micros_between(c.last_client_frame, r.ts);
  if (server_closed && !c.closing && s.timeout_ms > 0 && silence_us >= int64_t{s.timeout_ms} * 1000 &&
      !c.stale_owner && !s.ended) {
    s.ended = true;
    flag(Anomaly::session_expired, &c, s.id, r.ts,
         c.server + " closed session " + hex_label(s.id) + "'s connection after " + seconds(silence_us) +
             " without a frame from its client (timeout " + std::to_string(s.timeout_ms) + " ms): the session expired");
  }
  if (SessionConnection* sc = session_connection(s, id)) {
    sc->closed = r.ts;
    sc->is_closed = true;
    sc->close_detail = r.detail;
    sc->pending_at_close = r.pending;
  }
  if (s.owner == id) s.owner.reset();
  schedule_forget(s, r.ts);
}

void SessionInspector::schedule_forget(SessionState& s, Timestamp detached_at) {
  s.detached_at = detached_at;
  const int64_t after_ms = std::max(InspectorConfig::kMinForgetMs,
                                    static_cast<int64_t>(config_.forget_after_timeouts * s.timeout_ms));
  forget_queue_.push({detached_at.ns + after_ms * 1'000'000, s.id, detached_at.ns});
}

void SessionInspector::forget_due_sessions(Timestamp now) {
  std::vector<int64_t> gone;
  for (; !forget_queue_.empty() && forget_queue_.top().due_ns <= now.ns; forget_queue_.pop()) {
    const ForgetDue& due = forget_queue_.top();
    auto it = sessions_.find(due.session);
    // Attached again since (or detached again later, which queued a later entry): not yet.
    if (it == sessions_.end() || it->second.forgetting || it->second.open_connections > 0 ||
        it->second.detached_at.ns != due.detached_ns) {
      continue;
    }
    if (archive_) archive_->archive(it->second);
    it->second.forgetting = true;
    gone.push_back(due.session);
  }
  for (int64_t id : gone) sessions_.erase(id);
  forgotten_ += gone.size();
}

void SessionInspector::hold(ConnectionState& c, SessionState& s) {
  if (c.held_session == s.id) return;
  release(c);
  ++s.open_connections;
  c.held_session = s.id;
}

void SessionInspector::release(ConnectionState& c) {
  c.state = nullptr;  // only a held session's entry is sure to outlive the pointer
  if (c.held_session == 0) return;
  if (auto it = sessions_.find(c.held_session); it != sessions_.end() && it->second.open_connections > 0)
    --it->second.open_connections;
  c.held_session = 0;
}

void SessionInspector::check_silences(Timestamp now) {
  last_check_ = now;
  next_check_ns_ = now.ns + config_.check_interval_ms * 1'000'000;
  check_ping_gaps(now);
  check_expiry_risks(now);
  forget_due_sessions(now);
}

void SessionInspector::check_ping_gaps(Timestamp now) {
  const int64_t recheck_ns = now.ns + config_.check_interval_ms * 1'000'000;
  while (!gap_due_.empty() && gap_due_.top().due_ns <= now.ns) {
    const uint64_t id = static_cast<uint64_t>(gap_due_.top().key);
    gap_due_.pop();
    ConnectionState* found = connections_.find(id);
    if (!found) continue;
    ConnectionState& c = *found;
    c.gap_armed = false;
    // Re-armed by the next client frame (or the session's attach): nothing to time until then.
    if (c.session == 0 || c.closing || c.ping_gap_reported) continue;
    const SessionState* s = c.state;
    if (!s) {
      auto it = sessions_.find(c.session);
      if (it == sessions_.end()) continue;
      s = &it->second;
    }
    if (s->timeout_ms <= 0 || s->owner != id) {
      arm_gap(c, recheck_ns);  // the timeout or the attach may come yet
      continue;
    }
    int64_t threshold_us = static_cast<int64_t>(config_.ping_gap_fraction * s->timeout_ms * 1000);
    int64_t silence_us = micros_between(c.last_client_frame, now);
    if (silence_us <= threshold_us) {
      // The first instant the silence exceeds the threshold, in whole microseconds as it is measured.
      arm_gap(c, c.last_client_frame.ns + (threshold_us + 1) * 1000);
      continue;
    }
    c.ping_gap_reported = true;
    // Stamped when the silence crossed the threshold, however late a sparse capture lets us notice.
    flag(Anomaly::ping_gap, &c, c.session, {c.last_client_frame.ns + threshold_us * 1000},
         c.client + " has sent nothing for " + seconds(silence_us) + " (session timeout " +
             std::to_string(s->timeout_ms) + " ms; clients ping after about a third of it)");
  }
}

void SessionInspector::check_expiry_risks(Timestamp now) {
  const int64_t recheck_ns = now.ns + config_.check_interval_ms * 1'000'000;
  while (!expiry_due_.empty() && expiry_due_.top().due_ns <= now.ns) {
    const int64_t id = expiry_due_.top().key;
    expiry_due_.pop();
    auto found = sessions_.find(id);
    if (found == sessions_.end()) continue;
    SessionState& s = found->second;
    if (s.ended || s.expiry_risk_reported) {
      s.watched = false;  // watched again when its client speaks
      continue;
    }
    if (s.timeout_ms <= 0 || s.connections.empty()) {
      expiry_due_.push({recheck_ns, id});
      continue;
    }
    int64_t silence_us = micros_between(s.last_client_activity, now);
    int64_t limit_us = static_cast<int64_t>(config_.expiry_risk_fraction * s.timeout_ms * 1000);
    if (silence_us <= limit_us) {
      expiry_due_.push({s.last_client_activity.ns + (limit_us + 1) * 1000, id});
      continue;
    }
    s.expiry_risk_reported = true;
    s.watched = false;
    const ConnectionState* c = nullptr;
    if (s.owner) {
      c = connections_.find(*s.owner);
    }
    flag(Anomaly::expiry_risk, c, id, {s.last_client_activity.ns + limit_us * 1000},
         "session " + hex_label(id) + " has sent nothing on any connection for " + seconds(silence_us) +
             ", past its " + std::to_string(s.timeout_ms) + " ms timeout: the server expires it");
  }
}

}  // namespace zkwire
