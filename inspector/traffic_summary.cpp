// The summary's counters and its JSON document.
#include "inspector/traffic_summary.h"

#include <algorithm>
#include <vector>

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"
#include "output/labels.h"
#include "output/json_emitter.h"
#include "output/text_buffer.h"

namespace zkwire {
namespace {

void number(BufferJsonEmitter& e, std::string_view key, int64_t v) {
  e.key(key);
  e.value_int(v);
}

// One element of per_session.
void render_session(BufferJsonEmitter& e, const SessionState& s) {
  e.begin_object();
  e.key("session");
  e.value_hex(s.id);
  number(e, "timeout_ms", s.timeout_ms);
  if (s.passwd_fingerprint) {
    e.key("passwd_fingerprint");
    e.value_hex(static_cast<int64_t>(*s.passwd_fingerprint >> 16));  // shortened: enough to compare
  }
  e.key("read_only");
  e.value_bool(s.read_only);
  e.key("first_ts");
  e.value_seconds(s.first_seen.ns);
  e.key("last_ts");
  e.value_seconds(s.last_seen.ns);
  number(e, "connections", static_cast<int64_t>(s.connections_total));
  number(e, "reconnects", s.connections_total > 0 ? static_cast<int64_t>(s.connections_total - 1) : 0);
  e.key("disconnected_s");
  e.value_double(static_cast<double>(s.disconnected_us) / 1e6, 3);
  // A session knows a few servers at most: sorted in a vector, not a node per server in a tree.
  std::vector<std::string_view> servers;
  servers.reserve(s.connections.size());
  for (const auto& c : s.connections) servers.push_back(c.server);
  std::sort(servers.begin(), servers.end());
  servers.erase(std::unique(servers.begin(), servers.end()), servers.end());
  e.key("servers");
  e.begin_array();
  for (const auto& server : servers) e.value_string(server);
  e.end_array();
  e.key("last_zxid_seen");
  e.value_hex(s.client_last_zxid_seen);
  e.key("max_zxid");
  e.value_hex(s.max_zxid);
  e.key("watches");
  e.begin_object();
  number(e, "one_shot", static_cast<int64_t>(s.watches_one_shot));
  number(e, "persistent", static_cast<int64_t>(s.watches_persistent));
  number(e, "fired", static_cast<int64_t>(s.watches_fired));
  e.end_object();
  e.key("pings");
  e.begin_object();
  number(e, "count", static_cast<int64_t>(s.pings));
  number(e, "rtt_avg_us", s.pings ? static_cast<int64_t>(s.ping_rtt_sum_us / s.pings) : 0);
  number(e, "rtt_max_us", s.ping_rtt_max_us);
  e.end_object();
  e.key("anomalies");
  e.begin_object();
  for (const AnomalyInfo& a : all_anomalies())
    if (uint32_t n = s.anomalies[static_cast<size_t>(a.anomaly)]) number(e, a.id, n);
  e.end_object();
  e.key("connection_log");
  e.begin_array();
  for (const auto& c : s.connections) {
    e.begin_object();
    e.key("client");
    e.value_string(c.client);
    e.key("server");
    e.value_string(c.server);
    e.key("opened");
    e.value_seconds(c.opened.ns);
    if (c.is_closed) {
      e.key("closed");
      e.value_seconds(c.closed.ns);
      e.key("close");
      e.value_string(c.close_detail);
      number(e, "pending_at_close", c.pending_at_close);
    }
    e.end_object();
  }
  e.end_array();
  e.end_object();
}

bool first_seen_before(Timestamp a_seen, int64_t a_id, Timestamp b_seen, int64_t b_id) {
  return a_seen.ns != b_seen.ns ? a_seen < b_seen : a_id < b_id;
}

}  // namespace

void TrafficSummary::archive(const SessionState& session) {
  archive_text_.clear();
  BufferJsonEmitter e(archive_text_);
  render_session(e, session);
  archived_.add(session.first_seen, session.id, archive_text_.view());
}

// The kinds of record that stand for a frame on the wire, as a mask: one test per record instead of six.
constexpr uint32_t kFrameKinds =
    1u << static_cast<unsigned>(RecordKind::connect_request) | 1u << static_cast<unsigned>(RecordKind::connect_response) |
    1u << static_cast<unsigned>(RecordKind::request) | 1u << static_cast<unsigned>(RecordKind::reply) |
    1u << static_cast<unsigned>(RecordKind::event) | 1u << static_cast<unsigned>(RecordKind::decode_error);

void TrafficSummary::consume(uint64_t, const Record& r, const FlowLabels&) {
  if (first_ns_ == 0 || r.ts.ns < first_ns_) first_ns_ = r.ts.ns;
  last_ns_ = std::max(last_ns_, r.ts.ns);
  ++kinds_[static_cast<size_t>(r.kind)];
  switch (r.kind) {
    case RecordKind::connection_open: ++connections_; return;
    case RecordKind::decode_error: ++decode_errors_; break;
    case RecordKind::capture_gap: ++gaps_; return;
    case RecordKind::request: ++requests_by_op_[r.op]; break;
    case RecordKind::reply:
      if (r.err != 0) ++errors_by_code_[r.err];
      if (r.latency_us >= 0) latency_by_op_[r.op].add(r.latency_us);
      break;
    default: break;
  }
  if (kFrameKinds & (1u << static_cast<unsigned>(r.kind))) {
    ++frames_;
    frame_bytes_ += r.length + 4u;
    bytes_by_dir_[r.dir == Direction::client_to_server ? 0 : 1] += r.length + 4u;
  }
}

void TrafficSummary::write(const SessionInspector& inspector, const SourceTotals& totals, std::FILE* file) {
  TextBuffer out(128u << 10);
  auto drain = [&out, file] {
    std::fwrite(out.view().data(), 1, out.size(), file);
    out.clear();  // the emitter keeps its place in the document; only the text already written goes
  };
  BufferJsonEmitter e(out);
  e.begin_record();
  e.key("source");
  e.begin_object();
  number(e, "packets", static_cast<int64_t>(totals.packets));
  number(e, "captured_bytes", static_cast<int64_t>(totals.captured_bytes));
  number(e, "lost_bytes", static_cast<int64_t>(totals.lost_bytes));
  e.key("first_ts");
  e.value_double(Timestamp{first_ns_}.seconds(), 6);
  e.key("last_ts");
  e.value_double(Timestamp{last_ns_}.seconds(), 6);
  e.end_object();

  number(e, "frames", static_cast<int64_t>(frames_));
  number(e, "frame_bytes", static_cast<int64_t>(frame_bytes_));
  number(e, "bytes_c2s", static_cast<int64_t>(bytes_by_dir_[0]));
  number(e, "bytes_s2c", static_cast<int64_t>(bytes_by_dir_[1]));
  number(e, "connections", static_cast<int64_t>(connections_));
  number(e, "sessions", static_cast<int64_t>(inspector.sessions().size() + archived_.size()));
  number(e, "decode_errors", static_cast<int64_t>(decode_errors_));
  number(e, "capture_gaps", static_cast<int64_t>(gaps_));

  e.key("records");
  e.begin_object();
  // In name order, as the document always listed them.
  std::vector<std::pair<std::string_view, uint64_t>> kinds;
  for (size_t k = 0; k < kinds_.size(); ++k)
    if (kinds_[k]) kinds.emplace_back(record_kind_name(static_cast<RecordKind>(k)), kinds_[k]);
  std::sort(kinds.begin(), kinds.end());
  for (const auto& [kind, n] : kinds) number(e, kind, static_cast<int64_t>(n));
  e.end_object();

  e.key("requests");
  e.begin_object();
  for (const auto& [op, n] : requests_by_op_.by_op()) number(e, op_label(op), static_cast<int64_t>(n));
  e.end_object();

  e.key("errors");
  e.begin_object();
  for (const auto& [err, n] : errors_by_code_) number(e, err_label(err), static_cast<int64_t>(n));
  e.end_object();

  e.key("latency_us");
  e.begin_object();
  for (const auto& [op, h] : latency_by_op_.by_op()) {
    e.key(op_label(op));
    e.begin_object();
    number(e, "count", static_cast<int64_t>(h.count()));
    number(e, "p50", h.percentile(0.50));
    number(e, "p90", h.percentile(0.90));
    number(e, "p99", h.percentile(0.99));
    number(e, "max", h.max());
    e.end_object();
  }
  e.end_object();

  e.key("anomalies");
  e.begin_object();
  for (const AnomalyInfo& a : all_anomalies()) {
    uint64_t n = inspector.anomaly_counts()[static_cast<size_t>(a.anomaly)];
    if (n) number(e, a.id, static_cast<int64_t>(n));
  }
  e.end_object();

  // Sessions in the order they were first seen: those still remembered merged with those set aside.
  std::vector<const SessionState*> sessions;
  for (const auto& [id, s] : inspector.sessions()) sessions.push_back(&s);
  std::sort(sessions.begin(), sessions.end(), [](const SessionState* a, const SessionState* b) {
    return first_seen_before(a->first_seen, a->id, b->first_seen, b->id);
  });
  const std::vector<ArchivedSessions::Entry> archived = archived_.in_order();
  e.key("per_session");
  e.begin_array();
  auto live = sessions.begin();
  auto set_aside = archived.begin();
  while (live != sessions.end() || set_aside != archived.end()) {
    if (out.size() > (64u << 10)) drain();
    if (set_aside == archived.end() ||
        (live != sessions.end() &&
         first_seen_before((*live)->first_seen, (*live)->id, set_aside->first_seen, set_aside->session))) {
      render_session(e, **live++);
    } else {
      e.value_json(archived_.text(*set_aside++));
    }
  }
  e.end_array();
  e.end_record();
  drain();
}

}  // namespace zkwire
