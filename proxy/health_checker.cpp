// Health check rounds: connect, send the word, read to the close or the deadline, judge, tell the pool.
#include "proxy/health_checker.h"

#include <event2/buffer.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "output/labels.h"
#include "proxy/clocks.h"

namespace zkwire {
namespace {

constexpr size_t kMaxReply = 64u << 10;  // srvr says about 300 bytes; anything longer is not a health answer

// "follower, zxid 0x100000002" or "unreachable: connection refused", for the human log.
std::string describe(Health health, ServerMode mode, int64_t zxid, const std::string& detail) {
  std::string text(health_name(health));
  if (mode != ServerMode::unknown) text += std::string(", ") + std::string(server_mode_name(mode));
  if (zxid >= 0) text += ", zxid " + hex_label(zxid);
  if (!detail.empty()) text += ": " + detail;
  return text;
}

}  // namespace

HealthChecker::HealthChecker(event_base* base, UpstreamPool& pool, const HealthCheckOptions& options)
    : base_(base), pool_(pool), options_(options) {
  round_timer_ = evtimer_new(base_, round_cb, this);
  add_probes();
}

void HealthChecker::add_probes() {
  for (size_t i = probes_.size(); i < pool_.servers().size(); ++i) {
    auto probe = std::make_unique<Probe>();
    probe->owner = this;
    probe->server = i;
    probe->deadline = evtimer_new(base_, deadline_cb, probe.get());
    probes_.push_back(std::move(probe));
  }
}

HealthChecker::~HealthChecker() {
  for (auto& probe : probes_) {
    if (probe->connection) bufferevent_free(probe->connection);
    event_free(probe->deadline);
  }
  event_free(round_timer_);
}

void HealthChecker::start() { round(); }

void HealthChecker::round_cb(evutil_socket_t, short, void* arg) { static_cast<HealthChecker*>(arg)->round(); }

void HealthChecker::round() {
  if (options_.command == HealthCheck::off) {
    if (!forgotten_) pool_.forget_health();
    forgotten_ = true;
  } else {
    forgotten_ = false;
    add_probes();  // the server list may have grown since
    for (auto& probe : probes_)
      if (!probe->connection && pool_.servers()[probe->server].listed) begin(*probe);
  }
  timeval interval = millis(options_.interval_ms);
  evtimer_add(round_timer_, &interval);
}

void HealthChecker::begin(Probe& probe) {
  const SocketAddress& address = pool_.servers()[probe.server].address;
  probe.reply.clear();
  probe.command = options_.command;
  probe.connection = bufferevent_socket_new(base_, -1, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(probe.connection, read_cb, nullptr, event_cb, &probe);
  if (bufferevent_socket_connect(probe.connection, address.get(), static_cast<int>(address.length)) < 0) {
    std::string why = std::string("connect: ") + std::strerror(errno);
    if (probe.connection) end(probe, {Health::unreachable, ServerMode::unknown, -1, why});  // unless reported already
    return;
  }
  // Queued now, sent once connected: the word alone, no length prefix (ZK_PROTOCOL.md 1.4).
  bufferevent_write(probe.connection, probe.command == HealthCheck::ruok ? "ruok" : "srvr", 4);
  bufferevent_enable(probe.connection, EV_READ);
  timeval timeout = millis(options_.timeout_ms);
  evtimer_add(probe.deadline, &timeout);
}

void HealthChecker::take_reply(Probe& probe) {
  evbuffer* in = bufferevent_get_input(probe.connection);
  size_t room = kMaxReply - probe.reply.size();
  size_t n = std::min(room, evbuffer_get_length(in));
  size_t at = probe.reply.size();
  probe.reply.resize(at + n);
  evbuffer_remove(in, probe.reply.data() + at, n);
  evbuffer_drain(in, evbuffer_get_length(in));  // past the bound: not read, not kept
}

void HealthChecker::read_cb(bufferevent*, void* arg) {
  auto* probe = static_cast<Probe*>(arg);
  probe->owner->take_reply(*probe);
}

// The server closes the connection after its reply: EOF is the end of the answer.
void HealthChecker::event_cb(bufferevent*, short what, void* arg) {
  auto* probe = static_cast<Probe*>(arg);
  HealthChecker& self = *probe->owner;
  if (what & BEV_EVENT_CONNECTED) return;
  self.take_reply(*probe);
  if ((what & BEV_EVENT_ERROR) && probe->reply.empty()) {
    int error = EVUTIL_SOCKET_ERROR();
    return self.end(*probe, {Health::unreachable, ServerMode::unknown, -1, evutil_socket_error_to_string(error)});
  }
  self.end(*probe, read_health_reply(probe->command, probe->reply));
}

void HealthChecker::deadline_cb(evutil_socket_t, short, void* arg) {
  auto* probe = static_cast<Probe*>(arg);
  HealthChecker& self = *probe->owner;
  if (probe->connection) self.take_reply(*probe);
  self.end(*probe, {Health::unreachable, ServerMode::unknown, -1,
                    "no whole answer within " + std::to_string(self.options_.timeout_ms) + " ms" +
                        (probe->reply.empty() ? "" : " (" + std::to_string(probe->reply.size()) + " bytes)")});
}

void HealthChecker::end(Probe& probe, HealthReport report) {
  evtimer_del(probe.deadline);
  if (probe.connection) {
    bufferevent_free(probe.connection);  // allowed inside its own callback: libevent defers the free
    probe.connection = nullptr;
  }
  if (options_.command == HealthCheck::off) return;  // turned off while this check was out
  const Upstream& before = pool_.servers()[probe.server];
  Health old_health = before.health;
  ServerMode old_mode = before.mode;
  UpstreamState old_state = before.state;
  std::string text = describe(report.health, report.mode, report.zxid, report.detail);
  pool_.checked(probe.server, std::move(report), wall_clock());
  const Upstream& after = pool_.servers()[probe.server];
  // The human log says when a server changes, not every check.
  if (after.health != old_health || after.mode != old_mode || after.state != old_state) {
    auto level = health_failed(after.health) ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "upstream {}: {} ({})", after.address.text, text, upstream_state_name(after.state));
  }
}

}  // namespace zkwire
