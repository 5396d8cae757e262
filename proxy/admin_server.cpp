// Admin endpoint handlers: Prometheus text for /metrics, JSON for the rest.
#include "proxy/admin_server.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <yaml-cpp/yaml.h>

#include <cstring>

#include "decoder/error_codes.h"
#include "decoder/opcodes.h"
#include "output/labels.h"
#include "output/json_emitter.h"
#include "proxy/proxy_server.h"
#include "proxy/rebalance_plan.h"

namespace zkwire {
namespace {

void line(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, " %.17g\n", value);
  out += buf;
}

void help(std::string& out, std::string_view name, std::string_view type, std::string_view text) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += text;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

AdminServer::AdminServer(event_base* base, ProxyServer& proxy) : http_(evhttp_new(base)), proxy_(proxy) {
  evhttp_set_gencb(http_, handle, this);
  evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
}

AdminServer::~AdminServer() { evhttp_free(http_); }

bool AdminServer::listen(const std::string& host_port, std::string& error) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) {
    error = "admin address must be host:port, got '" + host_port + "'";
    return false;
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  int port = std::atoi(host_port.c_str() + colon + 1);
  if (evhttp_bind_socket(http_, host.c_str(), static_cast<uint16_t>(port)) != 0) {
    error = "cannot bind the admin endpoint to " + host_port + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void AdminServer::handle(evhttp_request* request, void* arg) {
  auto* self = static_cast<AdminServer*>(arg);
  const char* uri_path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(request));
  std::string path = uri_path ? uri_path : "/";
  std::string body, type = "application/json";
  int status = HTTP_OK;
  const bool post = evhttp_request_get_command(request) == EVHTTP_REQ_POST;
  if (post && path != "/servers") {
    status = HTTP_BADMETHOD;
    body = "{\"error\":\"only /servers takes POST\"}\n";
  } else if (post) {
    status = self->post_servers(request, body);
  } else if (path == "/servers") {
    body = self->servers();
  } else if (path == "/metrics") {
    body = self->metrics();
    type = "text/plain; version=0.0.4";
  } else if (path == "/sessions") {
    body = self->sessions();
  } else if (path == "/connections") {
    body = self->connections();
  } else if (path == "/upstreams") {
    body = self->upstreams();
  } else if (path == "/config") {
    body = self->config();
  } else if (path == "/healthz") {
    // Healthy while one server at least takes clients: up, and not failing its health checks.
    bool any_up = false;
    for (const Upstream& u : self->proxy_.pool().servers())
      any_up = any_up || (u.state == UpstreamState::up && !health_failed(u.health));
    status = any_up && !self->proxy_.draining() ? HTTP_OK : 503;
    body = status == HTTP_OK ? "{\"status\":\"ok\"}\n" : "{\"status\":\"unavailable\"}\n";
  } else {
    status = HTTP_NOTFOUND;
    body = "{\"error\":\"not found\",\"paths\":[\"/metrics\",\"/sessions\",\"/connections\",\"/upstreams\","
           "\"/servers\",\"/healthz\",\"/config\"]}\n";
  }
  evhttp_add_header(evhttp_request_get_output_headers(request), "Content-Type", type.c_str());
  evbuffer* out = evbuffer_new();
  evbuffer_add(out, body.data(), body.size());
  evhttp_send_reply(request, status, status == HTTP_OK ? "OK" : "Error", out);
  evbuffer_free(out);
}

std::string AdminServer::metrics() const {
  const ProxyMetrics& m = proxy_.metrics();
  std::string out;
  help(out, "zkwire_connections_opened_total", "counter", "client connections relayed to a server");
  line(out, "zkwire_connections_opened_total", "", static_cast<double>(m.connections_opened));
  help(out, "zkwire_connections", "gauge", "client connections open now");
  line(out, "zkwire_connections", "", static_cast<double>(proxy_.relays().size()));
  help(out, "zkwire_sessions", "gauge", "sessions the inspector knows");
  line(out, "zkwire_sessions", "", static_cast<double>(proxy_.inspector().sessions().size()));
  help(out, "zkwire_frames_total", "counter", "decoded frames by direction");
  line(out, "zkwire_frames_total", "dir=\"c2s\"", static_cast<double>(m.frames[0]));
  line(out, "zkwire_frames_total", "dir=\"s2c\"", static_cast<double>(m.frames[1]));
  help(out, "zkwire_bytes_total", "counter", "bytes relayed by direction");
  line(out, "zkwire_bytes_total", "dir=\"c2s\"", static_cast<double>(m.bytes[0]));
  line(out, "zkwire_bytes_total", "dir=\"s2c\"", static_cast<double>(m.bytes[1]));
  help(out, "zkwire_decode_errors_total", "counter", "frames that did not decode (they were still relayed)");
  line(out, "zkwire_decode_errors_total", "", static_cast<double>(m.decode_errors));
  help(out, "zkwire_requests_total", "counter", "requests by op");
  for (const auto& [op, n] : m.requests_by_op) line(out, "zkwire_requests_total", "op=\"" + op_label(op) + "\"", static_cast<double>(n));
  help(out, "zkwire_errors_total", "counter", "error replies by op and err_name");
  for (const auto& [key, n] : m.errors_by_op)
    line(out, "zkwire_errors_total", "op=\"" + op_label(key.first) + "\",err=\"" + err_label(key.second) + "\"",
         static_cast<double>(n));
  help(out, "zkwire_request_latency_us", "summary", "request latency through the proxy in microseconds, by op");
  for (const auto& [op, h] : m.latency_by_op) {
    std::string op_text = "op=\"" + op_label(op) + "\"";
    for (double q : {0.5, 0.9, 0.99})
      line(out, "zkwire_request_latency_us", op_text + ",quantile=\"" + std::to_string(q).substr(0, 4) + "\"",
           static_cast<double>(h.percentile(q)));
    line(out, "zkwire_request_latency_us_count", op_text, static_cast<double>(h.count()));
  }
  help(out, "zkwire_anomalies_total", "counter", "anomalies flagged by id (docs/anomalies.md)");
  for (const AnomalyInfo& a : all_anomalies())
    line(out, "zkwire_anomalies_total", "anomaly=\"" + std::string(a.id) + "\"",
         static_cast<double>(m.anomalies[static_cast<size_t>(a.anomaly)]));
  help(out, "zkwire_session_moves_total", "counter",
       "sessions moved by the rebalancer, by route and reason (docs/rebalancing.md)");
  for (const auto& [route, n] : proxy_.rebalancer().moves_by_route()) {
    const auto& [from, to, reason] = route;
    line(out, "zkwire_session_moves_total",
         "from=\"" + from + "\",to=\"" + to + "\",reason=\"" + reason + "\"", static_cast<double>(n));
  }
  help(out, "zkwire_session_moves_under_way", "gauge", "moved sessions not yet reconnected");
  line(out, "zkwire_session_moves_under_way", "", static_cast<double>(proxy_.rebalancer().moves_under_way()));
  const LoopStats& loop = proxy_.loop_stats();
  help(out, "zkwire_loop_sleeps_total", "counter",
       "event loop turns free to sleep in epoll_wait (those that did not end in a spin or a look that found bytes)");
  line(out, "zkwire_loop_sleeps_total", "", static_cast<double>(loop.sleeps));
  help(out, "zkwire_loop_looks_total", "counter",
       "looks for new bytes before sleeping (proxy.poll_before_sleep_us), by whether bytes came or it ran out");
  line(out, "zkwire_loop_looks_total", "result=\"found\"", static_cast<double>(loop.looks_found));
  line(out, "zkwire_loop_looks_total", "result=\"ran_out\"", static_cast<double>(loop.looks_ran_out));
  help(out, "zkwire_loop_look_seconds_total", "counter", "time the event loop spent looking before sleeping");
  line(out, "zkwire_loop_look_seconds_total", "", static_cast<double>(loop.look_ns) / 1e9);
  help(out, "zkwire_loop_spins_total", "counter",
       "spins for new bytes while saturated (proxy.spin_when_saturated_us), by whether bytes came or it ran out");
  line(out, "zkwire_loop_spins_total", "result=\"found\"", static_cast<double>(loop.spins_found));
  line(out, "zkwire_loop_spins_total", "result=\"ran_out\"", static_cast<double>(loop.spins_ran_out));
  line(out, "zkwire_loop_spins_total", "result=\"gave_way\"", static_cast<double>(loop.spins_gave_way));
  help(out, "zkwire_loop_spin_seconds_total", "counter", "time the event loop spent spinning while saturated");
  line(out, "zkwire_loop_spin_seconds_total", "", static_cast<double>(loop.spin_ns) / 1e9);
  help(out, "zkwire_upstream_up", "gauge", "1 when the server is taking clients, 0 when ejected");
  help(out, "zkwire_upstream_connections", "gauge", "client connections relayed to each server now");
  help(out, "zkwire_upstream_failures_total", "counter",
       "failed connection attempts per server (refused, timed out, or no answer to a ConnectRequest)");
  help(out, "zkwire_upstream_handshake_timeouts_total", "counter",
       "connections a server accepted and then left unanswered past handshake_timeout_ms (replayed elsewhere)");
  help(out, "zkwire_upstream_ejections_total", "counter", "times each server was ejected");
  help(out, "zkwire_upstream_serving", "gauge", "1 when the last health check said the server serves clients");
  help(out, "zkwire_upstream_mode", "gauge", "1 for the mode the last srvr check reported, by server and mode");
  help(out, "zkwire_upstream_zxid", "gauge", "the last zxid srvr reported (-1: not known)");
  help(out, "zkwire_upstream_health_checks_total", "counter", "health checks finished per server");
  help(out, "zkwire_upstream_health_check_failures_total", "counter",
       "health checks that failed (unreachable, timed out, not serving)");
  for (const Upstream& u : proxy_.pool().servers()) {
    std::string label = "server=\"" + u.address.text + "\"";
    line(out, "zkwire_upstream_up", label, u.state == UpstreamState::up ? 1 : 0);
    line(out, "zkwire_upstream_connections", label, u.connections);
    line(out, "zkwire_upstream_failures_total", label, static_cast<double>(u.failures_total));
    line(out, "zkwire_upstream_handshake_timeouts_total", label, static_cast<double>(u.handshake_timeouts_total));
    line(out, "zkwire_upstream_ejections_total", label, static_cast<double>(u.ejections_total));
    line(out, "zkwire_upstream_serving", label, u.health == Health::serving ? 1 : 0);
    for (ServerMode mode : all_server_modes())
      line(out, "zkwire_upstream_mode", label + ",mode=\"" + std::string(server_mode_name(mode)) + "\"",
           u.mode == mode ? 1 : 0);
    line(out, "zkwire_upstream_zxid", label, static_cast<double>(u.zxid));
    line(out, "zkwire_upstream_health_checks_total", label, static_cast<double>(u.checks_total));
    line(out, "zkwire_upstream_health_check_failures_total", label, static_cast<double>(u.check_failures_total));
  }
  return out;
}

std::string AdminServer::sessions() const {
  std::string out;
  JsonEmitter e(out);
  e.begin_record();
  e.key("sessions");
  e.begin_array();
  for (const auto& [id, s] : proxy_.inspector().sessions()) {
    e.begin_object();
    e.key("session");
    e.value_hex(id);
    e.key("timeout_ms");
    e.value_int(s.timeout_ms);
    e.key("read_only");
    e.value_bool(s.read_only);
    e.key("connections");
    e.value_int(static_cast<int64_t>(s.connections_total));
    e.key("attached");
    e.value_bool(s.owner.has_value());
    e.key("server");
    if (!s.connections.empty() && s.owner)
      e.value_string(s.connections.back().server);
    else
      e.value_null();
    e.key("max_zxid");
    e.value_hex(s.max_zxid);
    e.key("ended");
    e.value_bool(s.ended);
    e.end_object();
  }
  e.end_array();
  e.end_record();
  return out;
}

std::string AdminServer::connections() const {
  std::string out;
  JsonEmitter e(out);
  e.begin_record();
  e.key("connections");
  e.begin_array();
  for (const auto& [id, relay] : proxy_.relays()) {
    e.begin_object();
    e.key("id");
    e.value_int(static_cast<int64_t>(relay->connection_id()));  // the id its records carry in the traffic log
    e.key("client");
    e.value_string(relay->client_address());
    e.key("server");
    e.value_string(relay->upstream_address());
    e.key("session");
    e.value_hex(relay->session());
    e.key("pending");
    e.value_int(static_cast<int64_t>(relay->pending_requests()));
    e.key("bytes_c2s");
    e.value_int(static_cast<int64_t>(relay->bytes_up()));
    e.key("bytes_s2c");
    e.value_int(static_cast<int64_t>(relay->bytes_down()));
    e.key("handshake_failovers");
    e.value_int(relay->failovers());
    e.end_object();
  }
  e.end_array();
  e.end_record();
  return out;
}

// Every server: its place in the pool, its load, and what the last health check said.
std::string AdminServer::upstreams() const {
  std::string out;
  JsonEmitter e(out);
  const ProxyOptions& options = proxy_.options();
  e.begin_record();
  e.key("health_check");
  e.value_string(health_check_name(options.health.command));
  e.key("avoid_leader");
  e.value_bool(options.pool.avoid_leader);
  e.key("upstreams");
  e.begin_array();
  for (const Upstream& u : proxy_.pool().servers()) {
    e.begin_object();
    e.key("server");
    e.value_string(u.address.text);
    e.key("state");
    e.value_string(upstream_state_name(u.state));
    e.key("health");
    e.value_string(health_name(u.health));
    e.key("mode");
    e.value_string(server_mode_name(u.mode));
    e.key("zxid");
    if (u.zxid >= 0)
      e.value_hex(u.zxid);
    else
      e.value_null();
    e.key("detail");
    e.value_string(u.health_detail);
    e.key("checked_ts");
    if (u.checks_total > 0)
      e.value_seconds(u.checked_at.ns);
    else
      e.value_null();
    e.key("connections");
    e.value_int(u.connections);
    e.key("connections_total");
    e.value_int(static_cast<int64_t>(u.connections_total));
    e.key("consecutive_failures");
    e.value_int(u.consecutive_failures);
    e.key("failures_total");
    e.value_int(static_cast<int64_t>(u.failures_total));
    e.key("handshake_timeouts_total");
    e.value_int(static_cast<int64_t>(u.handshake_timeouts_total));
    e.key("ejections_total");
    e.value_int(static_cast<int64_t>(u.ejections_total));
    e.key("health_checks_total");
    e.value_int(static_cast<int64_t>(u.checks_total));
    e.key("health_check_failures_total");
    e.value_int(static_cast<int64_t>(u.check_failures_total));
    e.end_object();
  }
  e.end_array();
  e.end_record();
  return out;
}

// The running configuration, every key of the table, as the proxy uses it now (reloads included).
std::string AdminServer::config() const {
  const Config& config = proxy_.config();
  std::string out;
  JsonEmitter e(out);
  e.begin_record();
  std::string_view section;
  for (const ConfigKey& key : all_config_keys()) {
    if (key.section != section) {
      if (!section.empty()) e.end_object();
      section = key.section;
      e.key(section);
      e.begin_object();
    }
    std::vector<std::string> values = key.get(config);
    e.key(key.name);
    switch (key.type) {
      case KeyType::list:
        e.begin_array();
        for (const auto& v : values) e.value_string(v);
        e.end_array();
        break;
      case KeyType::text:
      case KeyType::choice:
        e.value_string(values.empty() ? "" : values[0]);
        break;
      case KeyType::integer:
      case KeyType::fraction:
        e.value_raw_number(values.empty() ? "0" : values[0]);
        break;
    }
  }
  if (!section.empty()) e.end_object();
  e.end_record();
  return out;
}

}  // namespace zkwire

namespace zkwire {

// Each server with its state, mode, load and fair share, and the rebalancer's counts: what an operator checks
// after changing the list.
std::string AdminServer::servers() const {
  const auto& pool = proxy_.pool();
  const auto& upstreams = pool.servers();
  std::vector<uint32_t> sessions(upstreams.size(), 0);
  for (const auto& [id, relay] : proxy_.relays())
    if (auto server = relay->attached_server()) ++sessions[*server];
  std::vector<ServerLoad> loads(upstreams.size());
  for (size_t i = 0; i < upstreams.size(); ++i) loads[i] = {upstreams[i].weight, pool.takes_clients(i), sessions[i]};
  const std::vector<uint32_t> shares = fair_shares(loads);

  std::string out;
  JsonEmitter e(out);
  e.begin_record();
  e.key("rebalance");
  e.value_bool(proxy_.options().rebalance.enabled);
  e.key("moves_total");
  e.value_int(static_cast<int64_t>(proxy_.rebalancer().moves_total()));
  e.key("moves_under_way");
  e.value_int(static_cast<int64_t>(proxy_.rebalancer().moves_under_way()));
  e.key("servers");
  e.begin_array();
  for (size_t i = 0; i < upstreams.size(); ++i) {
    const Upstream& u = upstreams[i];
    e.begin_object();
    e.key("address");
    e.value_string(u.address.text);
    e.key("state");
    e.value_string(server_state_name(u));
    e.key("mode");
    e.value_string(server_mode_name(u.mode));
    e.key("takes_clients");
    e.value_bool(pool.takes_clients(i));
    e.key("weight");
    e.value_double(u.weight, 3);
    e.key("connections");
    e.value_int(u.connections);
    e.key("sessions");
    e.value_int(sessions[i]);
    e.key("fair_share");
    e.value_int(shares[i]);
    e.key("recent_latency_us");
    if (u.recent_latency_us >= 0)
      e.value_int(static_cast<int64_t>(u.recent_latency_us + 0.5));
    else
      e.value_null();
    e.end_object();
  }
  e.end_array();
  e.end_record();
  return out;
}

int AdminServer::post_servers(evhttp_request* request, std::string& body) {
  auto error = [&body](int status, const std::string& why) {
    std::string out;
    JsonEmitter e(out);
    e.begin_record();
    e.key("error");
    e.value_string(why);
    e.end_record();
    body = out;
    return status;
  };
  // Changing where clients go is for the machine's own operators, whatever address the endpoint listens on.
  char* peer = nullptr;
  uint16_t port = 0;
  evhttp_connection_get_peer(evhttp_request_get_connection(request), &peer, &port);
  const std::string_view from = peer ? peer : "";
  if (!(from.starts_with("127.") || from == "::1" || from == "::ffff:127.0.0.1"))
    return error(403, "POST /servers is taken from loopback only");

  evbuffer* in = evhttp_request_get_input_buffer(request);
  std::string text(evbuffer_get_length(in), '\0');
  evbuffer_copyout(in, text.data(), text.size());
  std::vector<std::string> servers;
  try {
    // JSON is YAML: yaml-cpp reads the body, with no other parser in the project.
    const YAML::Node doc = YAML::Load(text);
    const YAML::Node list = doc.IsMap() ? doc["servers"] : YAML::Node();
    if (!list || !list.IsSequence()) return error(400, "expected {\"servers\": [\"host:port\", ...]}");
    for (const YAML::Node& item : list) {
      if (!item.IsScalar()) return error(400, "each server is a \"host:port\" string");
      servers.push_back(item.as<std::string>());
    }
  } catch (const YAML::Exception& e) {
    return error(400, std::string("the body is not JSON: ") + e.what());
  }
  if (proxy_.options().rebalance.follow_ensemble_config)
    return error(409, "the server list follows the ensemble's /zookeeper/config (proxy.follow_ensemble_config)");
  std::string why;
  if (!proxy_.set_servers(servers, "POST /servers", why)) return error(400, why);
  body = this->servers();
  return HTTP_OK;
}

}  // namespace zkwire
