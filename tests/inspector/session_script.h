// Drives the session inspector through real decoding: connections opened, frames sent each way, closes — the
// same path `zkwire analyze` takes — and collects what comes out, anomalies above all.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "capture/flow_types.h"
#include "cli/flow_decoder.h"
#include "inspector/session_inspector.h"
#include "tests/support/frame_builder.h"

namespace zkwire::testing {

struct SeenAnomaly {
  std::string id, severity, detail, client, server;
  int64_t session;
  Timestamp ts;
};

class Collector : public RecordConsumer {
 public:
  void consume(uint64_t, const Record& r, const FlowLabels& flow) override {
    if (r.kind == RecordKind::anomaly)
      anomalies.push_back({std::string(r.anomaly), std::string(r.severity), std::string(r.detail),
                           std::string(flow.client), std::string(flow.server), r.session, r.ts});
  }
  std::vector<SeenAnomaly> anomalies;
};

class SessionScript {
 public:
  explicit SessionScript(InspectorConfig config = {})
      : inspector(config, collector), flows(DecoderOptions{}, inspector) {}
  // Records (and anomalies) go on to `next` instead of the collector: a summary, say.
  SessionScript(InspectorConfig config, RecordConsumer& next)
      : inspector(config, next), flows(DecoderOptions{}, inspector) {}

  // Time in milliseconds since the script began.
  static Timestamp at(int64_t ms) { return {1'700'000'000'000'000'000 + ms * 1'000'000}; }

  void open(uint64_t conn, uint16_t client_port, uint16_t server_port, int64_t ms) {
    capture::FlowInfo info;
    info.id = conn;
    info.client.addr = {10, 0, 0, 1};
    info.client.port = client_port;
    info.server.addr = {10, 0, 0, 2};
    info.server.port = server_port;
    info.basis = capture::ServerSideBasis::syn;
    info.first_seen = at(ms);
    flow_states[conn] = flows.on_flow_open(info);
  }
  void client(uint64_t conn, const Bytes& bytes, int64_t ms) {
    flows.on_flow_data(ref(conn), Direction::client_to_server, bytes, at(ms));
  }
  void server(uint64_t conn, const Bytes& bytes, int64_t ms) {
    flows.on_flow_data(ref(conn), Direction::server_to_client, bytes, at(ms));
  }
  void close(uint64_t conn, Direction first_closer, int64_t ms) {
    flows.on_flow_close(ref(conn), {capture::FlowEnd::fin, first_closer}, at(ms));
  }
  void tick(int64_t ms) { inspector.advance_to(at(ms)); }
  capture::FlowRef ref(uint64_t conn) const { return {conn, flow_states.at(conn)}; }

  // A connection that opens and gets a session: new (session 0 asked) or a resume.
  void connect(uint64_t conn, uint16_t server_port, int64_t session, int64_t ms, int32_t timeout_ms = 4000,
               bool resume = false, int64_t last_zxid_seen = 0, std::string_view password = "0123456789abcdef") {
    open(conn, static_cast<uint16_t>(40000 + conn), server_port, ms);
    ConnectRequest request = b.new_session(timeout_ms);
    if (resume) {
      request.sessionId = session;
      request.passwd = b.secret(password);
      request.lastZxidSeen = last_zxid_seen;
    }
    client(conn, FrameBuilder::connect_request(request), ms);
    ConnectResponse response = b.session_granted(session, timeout_ms);
    response.passwd = b.secret(password);
    server(conn, FrameBuilder::connect_response(response), ms + 1);
  }

  std::vector<std::string> anomaly_ids() const {
    std::vector<std::string> ids;
    for (const auto& a : collector.anomalies) ids.push_back(a.id);
    return ids;
  }
  size_t count(std::string_view id) const {
    size_t n = 0;
    for (const auto& a : collector.anomalies) n += a.id == id;
    return n;
  }
  const SeenAnomaly* find(std::string_view id) const {
    for (const auto& a : collector.anomalies)
      if (a.id == id) return &a;
    return nullptr;
  }

  FrameBuilder b;
  Collector collector;
  SessionInspector inspector;
  FlowDecoder flows;
  std::map<uint64_t, void*> flow_states;  // what the decoder returned for each connection it opened
};

}  // namespace zkwire::testing
