// Which records make the story, and how each is told.
#include "inspector/session_timeline.h"

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"
#include "output/labels.h"

namespace zkwire {
namespace {

}  // namespace

std::string SessionTimeline::describe(const Record& r) const {
  switch (r.kind) {
    case RecordKind::connection_open: return "connection opened (" + std::string(r.detail) + ")";
    case RecordKind::connection_close:
      return "connection closed: " + std::string(r.detail) +
             (r.pending ? ", " + std::to_string(r.pending) + " request(s) unanswered" : "");
    case RecordKind::connect_request: {
      const auto* q = std::get_if<ConnectRequest>(&r.body);
      if (!q) return "ConnectRequest";
      std::string s = q->sessionId ? "resume of session " + hex_label(q->sessionId) : std::string("new session requested");
      s += ", timeout " + std::to_string(q->timeOut) + " ms, lastZxidSeen " + hex_label(q->lastZxidSeen);
      if (q->readOnly.present && q->readOnly.value) s += ", accepts read-only";
      return s;
    }
    case RecordKind::connect_response: {
      const auto* p = std::get_if<ConnectResponse>(&r.body);
      if (!p) return "ConnectResponse err " + std::to_string(r.err);
      if (p->sessionId == 0 || p->timeOut <= 0) return "refused: zeroed ConnectResponse (session expired or invalid)";
      std::string s = "connected: session " + hex_label(p->sessionId) + ", timeout " + std::to_string(p->timeOut) + " ms";
      if (p->readOnly.present && p->readOnly.value) s += ", READ-ONLY";
      return s;
    }
    case RecordKind::reply:
      return op_label(r.op) + " xid " + std::to_string(r.xid) + " failed: " +
             (error_name(r.err).empty() ? std::to_string(r.err) : std::string(error_name(r.err)));
    case RecordKind::anomaly:
      return "ANOMALY " + std::string(r.anomaly) + " (" + std::string(r.severity) + "): " + std::string(r.detail);
    case RecordKind::capture_gap: return "capture lost " + std::to_string(r.byte_count) + " bytes";
    case RecordKind::decode_error: return "decode error " + std::string(decode_error_name(r.error));
    case RecordKind::stream_resync: return "frame boundary found after " + std::to_string(r.byte_count) + " bytes";
    default: return std::string(record_kind_name(r.kind));
  }
}

void SessionTimeline::consume(uint64_t connection, const Record& r, const FlowLabels& flow) {
  if (r.kind == RecordKind::anomaly) {
    if (r.session != session_) return;
    Connection& c = connections_[connection];
    c.label = std::string(flow.client) + " -> " + std::string(flow.server);
    c.ours = true;
    return tell(c, r.ts, describe(r));
  }
  Connection& c = connections_[connection];
  if (c.label.empty()) c.label = std::string(flow.client) + " -> " + std::string(flow.server);
  bool names_us = r.session == session_;
  if (const auto* q = std::get_if<ConnectRequest>(&r.body); q && r.kind == RecordKind::connect_request)
    names_us = names_us || q->sessionId == session_;
  if (names_us && !c.ours) {
    c.ours = true;
    for (Line& line : c.before_session) print(line, c.label);
    c.before_session.clear();
  }
  bool story = r.kind == RecordKind::connection_open || r.kind == RecordKind::connection_close ||
               r.kind == RecordKind::connect_request || r.kind == RecordKind::connect_response ||
               r.kind == RecordKind::capture_gap || r.kind == RecordKind::decode_error ||
               r.kind == RecordKind::stream_resync || (r.kind == RecordKind::reply && r.err != 0);
  if (story) {
    if (c.ours) {
      tell(c, r.ts, describe(r));
    } else if (c.before_session.size() < 16) {
      c.before_session.push_back({r.ts, describe(r)});
    }
  } else if (c.ours) {
    Quiet& q = c.quiet;
    if (q.requests + q.events + q.pings == 0) q.first = r.ts;
    q.last = r.ts;
    if (r.kind == RecordKind::request) {
      if (r.op == static_cast<int32_t>(OpCode::ping)) {
        ++q.pings;
      } else {
        ++q.requests;
        ++q.ops[op_label(r.op)];
      }
    } else if (r.kind == RecordKind::event) {
      ++q.events;
    }
  }
  if (r.kind == RecordKind::connection_close) connections_.erase(connection);
}

void SessionTimeline::tell(Connection& c, Timestamp ts, std::string text) {
  flush_quiet(c);
  print({ts, std::move(text)}, c.label);
}

void SessionTimeline::flush_quiet(Connection& c) {
  Quiet& q = c.quiet;
  if (q.requests + q.events + q.pings == 0) return;
  std::string text = std::to_string(q.requests) + " request(s)";
  if (!q.ops.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [op, n] : q.ops) {
      text += (first ? "" : ", ") + op + " " + std::to_string(n);
      first = false;
    }
    text += ")";
  }
  if (q.pings) text += ", " + std::to_string(q.pings) + " ping(s)";
  if (q.events) text += ", " + std::to_string(q.events) + " notification(s)";
  Timestamp first = q.first;
  q = Quiet{};
  print({first, text}, c.label);
}

void SessionTimeline::print(const Line& line, const std::string& label) {
  if (!started_) {
    started_ = true;
    origin_ = line.ts;
    std::fprintf(out_, "session %s, times relative to its first frame\n", hex_label(session_).c_str());
  }
  std::fprintf(out_, "%+10.3fs  %-45s  %s\n", static_cast<double>(line.ts.ns - origin_.ns) / 1e9, label.c_str(),
               line.text.c_str());
  ++lines_;
}

void SessionTimeline::finish() {
  for (auto& [id, c] : connections_)
    if (c.ours) flush_quiet(c);
  if (lines_ == 0) std::fprintf(out_, "session %s does not appear in this capture\n", hex_label(session_).c_str());
  std::fflush(out_);
}

}  // namespace zkwire
