// The watcher's session: handshake, the config read and its watch, pings, and reconnecting.
#include "proxy/ensemble_watcher.h"

#include <event2/buffer.h>
#include <spdlog/spdlog.h>

#include "decoder/body.h"
#include "decoder/byte_writer.h"
#include "decoder/opcodes.h"
#include "decoder/watch_events.h"
#include "proxy/clocks.h"
#include "proxy/socket_address.h"

namespace zkwire {
namespace {

constexpr std::string_view kConfigNode = "/zookeeper/config";

// A length-prefixed frame around whatever `write` puts in it.
template <class Write>
std::vector<uint8_t> frame(Write write) {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.i32(0);
  write(w);
  w.patch_i32(0, static_cast<int32_t>(out.size() - 4));
  return out;
}

}  // namespace

// Decoded replies and notifications come back here.
struct EnsembleWatcher::Replies : RecordSink {
  explicit Replies(EnsembleWatcher& w) : watcher(w) {}
  void on_record(const Record& r) override { watcher.on_record(r); }
  EnsembleWatcher& watcher;
};

EnsembleWatcher::EnsembleWatcher(event_base* base, std::vector<std::string> servers, OnConfig on_config)
    : base_(base), servers_(std::move(servers)), on_config_(std::move(on_config)) {
  timer_ = event_new(base_, -1, EV_PERSIST, on_timer, this);
}

EnsembleWatcher::~EnsembleWatcher() {
  if (bev_) bufferevent_free(bev_);
  if (timer_) event_free(timer_);
}

void EnsembleWatcher::start() {
  timeval second{1, 0};
  event_add(timer_, &second);
  connect_next();
}

void EnsembleWatcher::connect_next() {
  if (servers_.empty()) return;
  server_ = servers_[next_server_++ % servers_.size()];
  std::string error;
  auto address = resolve_address(server_, error);
  if (!address) {
    spdlog::warn("ensemble config: {}: {}", server_, error);
    return;
  }
  bev_ = bufferevent_socket_new(base_, -1, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(bev_, on_read, nullptr, on_event, this);
  bufferevent_enable(bev_, EV_READ);
  replies_ = std::make_unique<Replies>(*this);
  decoder_ = std::make_unique<ConnectionDecoder>(DecoderOptions{}, *replies_);
  session_ = 0;
  next_xid_ = 1;
  connect_started_ns_ = monotonic_ns();
  if (bufferevent_socket_connect(bev_, const_cast<sockaddr*>(address->get()), static_cast<int>(address->length)) != 0) {
    drop("connect failed");
    return;
  }
  static const uint8_t kNoPassword[16] = {};
  ConnectRequest request;
  request.timeOut = kSessionTimeoutMs;
  request.passwd.value.bytes = kNoPassword;
  request.readOnly = {true, false};
  send(frame([&](ByteWriter& w) { write_field(w, request); }));
}

void EnsembleWatcher::drop(const std::string& why) {
  if (!bev_) return;
  spdlog::warn("ensemble config: connection to {} lost ({}); retrying on the next server", server_, why);
  bufferevent_free(bev_);
  bev_ = nullptr;
  session_ = 0;
}

void EnsembleWatcher::send(const std::vector<uint8_t>& bytes) {
  // The decoder sees our side too, so that it can match each reply to its request.
  decoder_->feed(Direction::client_to_server, bytes, wall_clock());
  bufferevent_write(bev_, bytes.data(), bytes.size());
  last_sent_ns_ = monotonic_ns();
}

void EnsembleWatcher::read_config() {
  PathWatchRequest get;
  get.path.text = kConfigNode;
  get.watch = true;
  const int32_t xid = next_xid_++;
  send(frame([&](ByteWriter& w) {
    write_field(w, RequestHeader{xid, static_cast<int32_t>(OpCode::getData)});
    encode_body(Body{get}, w);
  }));
}

void EnsembleWatcher::on_record(const Record& r) {
  if (r.kind == RecordKind::connect_response) {
    const auto* response = std::get_if<ConnectResponse>(&r.body);
    if (!response || response->sessionId == 0) return drop("session refused");
    session_ = response->sessionId;
    read_config();
  } else if (r.kind == RecordKind::event) {
    const auto* event = std::get_if<WatcherEvent>(&r.body);
    if (event && event->path.text == kConfigNode) read_config();  // a watch fires once: set it again
  } else if (r.kind == RecordKind::reply && r.op == static_cast<int32_t>(OpCode::getData)) {
    const auto* reply = std::get_if<GetDataResponse>(&r.body);
    if (r.err != 0 || !reply) {
      spdlog::warn("ensemble config: reading {} on {} failed with error {}", kConfigNode, server_, r.err);
      return;
    }
    EnsembleConfig config = parse_ensemble_config(reply->data.as_text());
    for (const auto& problem : config.problems) spdlog::warn("ensemble config: {}", problem);
    last_version_ = config.version;
    on_config_(config);
  } else if (r.kind == RecordKind::decode_error) {
    drop("undecodable reply");
  }
}

void EnsembleWatcher::on_read(bufferevent* bev, void* self_ptr) {
  auto* self = static_cast<EnsembleWatcher*>(self_ptr);
  evbuffer* in = bufferevent_get_input(bev);
  std::vector<uint8_t> bytes(evbuffer_get_length(in));
  evbuffer_remove(in, bytes.data(), bytes.size());
  self->decoder_->feed(Direction::server_to_client, bytes, wall_clock());
}

void EnsembleWatcher::on_event(bufferevent*, short what, void* self_ptr) {
  auto* self = static_cast<EnsembleWatcher*>(self_ptr);
  if (what & BEV_EVENT_CONNECTED) return;
  self->drop(what & BEV_EVENT_EOF ? "closed by the server" : "socket error");
}

void EnsembleWatcher::on_timer(evutil_socket_t, short, void* self_ptr) {
  auto* self = static_cast<EnsembleWatcher*>(self_ptr);
  if (!self->bev_) return self->connect_next();
  if (self->session_ == 0) {
    // A server that accepts and never answers must not hold the watcher forever.
    if (monotonic_ns() - self->connect_started_ns_ > kHandshakeTimeoutNs) self->drop("no ConnectResponse");
    return;
  }
  // A third of the timeout, as the clients do, keeps the session alive without a watch firing.
  if (monotonic_ns() - self->last_sent_ns_ >= int64_t{kSessionTimeoutMs} * 1'000'000 / 3) {
    self->send(frame([](ByteWriter& w) { write_field(w, RequestHeader{kPingXid, static_cast<int32_t>(OpCode::ping)}); }));
  }
}

}  // namespace zkwire
