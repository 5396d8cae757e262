// The session inspector: follows sessions across connections and flags what hurts in production.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "decoder/record.h"
#include "inspector/id_map.h"
#include "inspector/inspector_config.h"
#include "inspector/session_archive.h"
#include "inspector/session_state.h"

namespace zkwire {

// Every record passes through to `next`, followed by any anomaly it revealed, as a record of kind anomaly.
// It knows nothing of pcap files or sockets: the proxy will feed it exactly as `zkwire analyze` does.
class SessionInspector : public RecordConsumer {
 public:
  SessionInspector(const InspectorConfig& config, RecordConsumer& next) : next_(next) { set_config(config); }

  void consume(uint64_t connection, const Record& record, const FlowLabels& flow) override;
  // Capture or wall time moved on without a record (a live source): check the silences.
  void advance_to(Timestamp now);
  void tick(Timestamp now) override {
    advance_to(now);
    next_.tick(now);
  }

  // The sessions remembered now: alive, or detached for less than forget_after_timeouts of their timeout.
  const std::unordered_map<int64_t, SessionState>& sessions() const { return sessions_; }
  uint64_t forgotten_sessions() const { return forgotten_; }
  // Receives each session just before it is forgotten; without one, forgotten sessions leave no trace.
  void set_archive(SessionArchive* archive) { archive_ = archive; }
  void set_config(const InspectorConfig& config) {
    config_ = config;
    large_frame_from_ = static_cast<uint64_t>(config.large_frame_fraction * config.max_frame);
    if (large_frame_from_ < config.large_frame_fraction * config.max_frame) ++large_frame_from_;  // rounded up
    if (last_check_) next_check_ns_ = last_check_->ns + config.check_interval_ms * 1'000'000;
  }
  const std::array<uint64_t, kAnomalyCount>& anomaly_counts() const { return anomaly_counts_; }

 private:
  void on_connection_open(uint64_t id, const Record& r, const FlowLabels& flow);
  void on_connect_request(ConnectionState& c, uint64_t id, const Record& r);
  void on_connect_response(ConnectionState& c, uint64_t id, const Record& r);
  // Inlined into consume, their only caller: a request or reply then costs no call and no second register save.
  // `known`: the connection's session, when the caller has it at hand (and has stamped its last_seen).
  [[gnu::always_inline]] inline void on_request(ConnectionState& c, uint64_t id, const Record& r,
                                                SessionState* known = nullptr);
  [[gnu::always_inline]] inline void on_reply(ConnectionState& c, uint64_t id, const Record& r,
                                              SessionState* known = nullptr);
  void on_event(ConnectionState& c, uint64_t id, const Record& r);
  void on_decode_trouble(ConnectionState& c, uint64_t id, const Record& r);
  void on_connection_close(ConnectionState& c, uint64_t id, const Record& r);
  void check_silences(Timestamp now);
  bool check_due(Timestamp now) const { return now.ns >= next_check_ns_; }
  SessionState& session(int64_t id, Timestamp ts);
  SessionState& session_of(ConnectionState& c, Timestamp ts);
  SessionConnection* session_connection(SessionState& s, uint64_t connection);
  void schedule_forget(SessionState& s, Timestamp detached_at);
  void forget_due_sessions(Timestamp now);

  // Emits one anomaly record after the record that revealed it.
  void flag(Anomaly a, const ConnectionState* c, int64_t session, Timestamp ts, const std::string& detail);
  // The same, its detail built by `detail()` out of line: anomalies are rare, and the per-frame paths that may raise
  // one stay free of the string building (and of the registers it needs).
  template <class MakeDetail>
  [[gnu::cold, gnu::noinline]] void flag_lazily(Anomaly a, const ConnectionState* c, int64_t session, Timestamp ts,
                                               MakeDetail detail) {
    flag(a, c, session, ts, detail());
  }

  InspectorConfig config_;
  RecordConsumer& next_;
  IdMap<ConnectionState> connections_;
  // The connection of the last record: records come in runs per connection (a read carries many frames), and the
  // map's values do not move, so the run costs one lookup. Cleared when that connection goes.
  uint64_t last_connection_id_ = 0;
  ConnectionState* last_connection_ = nullptr;
  ConnectionState* find_connection(uint64_t id) {
    if (last_connection_ && last_connection_id_ == id) return last_connection_;
    ConnectionState* found = connections_.find(id);
    if (!found) return nullptr;
    last_connection_id_ = id;
    return last_connection_ = found;
  }
  uint64_t large_frame_from_ = 0;  // large_frame_fraction of max_frame, in bytes: a record compares an integer
  std::unordered_map<int64_t, SessionState> sessions_;
  // Silences are deadlines in two queues, checked when due, instead of a walk over every connection and session
  // at each check: a silence check touches what is due, not everything alive. Entries are re-checked against
  // the current state when they come up (a frame since pushes the deadline back).
  struct Due {
    int64_t due_ns, key;  // a connection id (ping_gap) or a session id (expiry_risk)
    bool operator>(const Due& other) const { return due_ns > other.due_ns; }
  };
  using DueQueue = std::priority_queue<Due, std::vector<Due>, std::greater<>>;
  DueQueue gap_due_, expiry_due_;
  void arm_gap(ConnectionState& c, int64_t due_ns) {
    c.gap_armed = true;
    gap_due_.push({due_ns, static_cast<int64_t>(c.id)});
  }
  void watch(SessionState& s) {
    if (!s.watched) {
      s.watched = true;
      expiry_due_.push({s.last_client_activity.ns, s.id});
    }
  }
  // A frame from the client restarts the silence clocks: the connection's (ping_gap) and its session's (expiry_risk).
  void note_client_frame(ConnectionState& c, Timestamp ts) {
    c.last_client_frame = ts;
    c.ping_gap_reported = false;
  }
  void note_client_activity(SessionState& s, Timestamp ts) {
    s.last_client_activity = ts;
    s.expiry_risk_reported = false;
    watch(s);
  }
  void check_ping_gaps(Timestamp now);
  void check_expiry_risks(Timestamp now);
  // Counts an open connection against a session, so the session is not forgotten under it.
  void hold(ConnectionState& c, SessionState& s);
  void release(ConnectionState& c);
  // Detached sessions by the time they may be forgotten (a later attach or detach makes an entry stale).
  struct ForgetDue {
    int64_t due_ns, session, detached_ns;
    bool operator>(const ForgetDue& other) const { return due_ns > other.due_ns; }
  };
  std::priority_queue<ForgetDue, std::vector<ForgetDue>, std::greater<>> forget_queue_;
  SessionArchive* archive_ = nullptr;
  uint64_t forgotten_ = 0;
  std::unordered_map<std::string, int64_t> server_max_zxid_;  // per server, from its replies and pings
  std::array<uint64_t, kAnomalyCount> anomaly_counts_{};
  std::optional<Timestamp> last_check_;
  int64_t next_check_ns_ = INT64_MIN;  // check_interval_ms after the last check: one comparison per record
};

}  // namespace zkwire
