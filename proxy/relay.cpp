// The relay: libevent's bufferevent pair in the style of le-proxy, with the decoder reading the same buffers.
#include "proxy/relay.h"

#include <event2/buffer.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <ctime>

#include <spdlog/spdlog.h>

namespace zkwire {
namespace {

void set_nodelay(evutil_socket_t fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Closing with an RST (linger 0) is how a reset is passed on to the other side.
void reset_on_close(bufferevent* bev) {
  if (!bev) return;
  evutil_socket_t fd = bufferevent_getfd(bev);
  if (fd < 0) return;
  linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

timeval millis(int64_t ms) { return {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)}; }

}  // namespace

Relay::Relay(RelayContext context, uint64_t id, evutil_socket_t client_fd, std::string client_address)
    : context_(std::move(context)),
      id_(id),
      client_address_(std::move(client_address)),
      connection_id_(id) {
  decoder_.emplace(*context_.decoder, static_cast<RecordSink&>(*this));  // the private base, named
  set_nodelay(client_fd);
  client_ = bufferevent_socket_new(context_.base, client_fd, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(client_, read_cb, write_cb, event_cb, this);
  connect_timer_ = evtimer_new(context_.base, connect_timeout_cb, this);
  handshake_timer_ = evtimer_new(context_.base, handshake_timeout_cb, this);
  if (context_.options->handshake_timeout_ms > 0) replay_ = evbuffer_new();
  opened_ = now();
  labels_ = {client_address_, upstream_text_};
}

Relay::~Relay() {
  if (connect_timer_) event_free(connect_timer_);
  if (handshake_timer_) event_free(handshake_timer_);
  if (replay_) evbuffer_free(replay_);
  if (upstream_) bufferevent_free(upstream_);
  if (client_) bufferevent_free(client_);
}

// libevent's cached time comes from a coarse clock (4 ms steps here): far too coarse for latencies.
Timestamp Relay::now() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return {int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec};
}

std::string Relay::upstream_address() const { return upstream_text_; }

void Relay::start() {
  candidates_ = context_.pool->order_for_new_client(now());
  try_next_upstream();
}

void Relay::try_next_upstream() {
  if (upstream_) {
    bufferevent_free(upstream_);
    upstream_ = nullptr;
  }
  if (candidates_.empty()) return finish("no upstream server answered", Direction::server_to_client);
  size_t server = candidates_.front();
  candidates_.erase(candidates_.begin());
  const SocketAddress& address = context_.pool->servers()[server].address;
  upstream_text_ = address.text;
  upstream_ = bufferevent_socket_new(context_.base, -1, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(upstream_, read_cb, write_cb, event_cb, this);
  trying_ = server;
  context_.pool->attempting(server);
  attempt_open_ = true;
  if (bufferevent_socket_connect(upstream_, address.get(), static_cast<int>(address.length)) < 0) {
    attempt_open_ = false;
    context_.pool->failed(server, now());
    return try_next_upstream();
  }
  timeval timeout = millis(context_.options->connect_timeout_ms);
  evtimer_add(connect_timer_, &timeout);
}

void Relay::connect_timeout_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  if (self->finished_) return;
  self->attempt_open_ = false;
  self->context_.pool->failed(self->trying_, self->now());
  self->try_next_upstream();
}

void Relay::on_upstream_connected() {
  evtimer_del(connect_timer_);
  server_ = trying_;
  server_answered_ = false;
  attempt_open_ = false;
  context_.pool->connected(trying_);
  set_nodelay(bufferevent_getfd(upstream_));
  labels_ = {client_address_, upstream_text_};
  Record open;
  open.kind = RecordKind::connection_open;
  open.ts = opened_;
  std::string detail = "accepted by the proxy";
  if (failovers_ > 0) {
    // A second leg is a connection of its own to the inspector: its own id, a decoder that starts afresh.
    connection_id_ = context_.new_connection_id();
    decoder_.emplace(*context_.decoder, static_cast<RecordSink&>(*this));
    open.ts = now();
    detail += "; handshake failover " + std::to_string(failovers_);
  }
  open.detail = detail;
  context_.records->consume(connection_id_, open, labels_);
  if (failovers_ > 0) replay();
  if (!eof_from_[0]) bufferevent_enable(client_, EV_READ);
  bufferevent_enable(upstream_, EV_READ);
}

// The next server gets every byte the client sent, decoded again as this leg's own.
void Relay::replay() {
  size_t length = evbuffer_get_length(replay_);
  if (length == 0) return;
  int n = evbuffer_peek(replay_, -1, nullptr, nullptr, 0);
  std::vector<evbuffer_iovec> chunks(static_cast<size_t>(n));
  evbuffer_peek(replay_, -1, nullptr, chunks.data(), n);
  Timestamp ts = now();
  evbuffer* out = bufferevent_get_output(upstream_);
  for (const auto& c : chunks) {
    decoder_->feed(Direction::client_to_server, {static_cast<const uint8_t*>(c.iov_base), c.iov_len}, ts);
    evbuffer_add(out, c.iov_base, c.iov_len);
  }
}

// Something of the upstream is on its way to the client (or the upstream is gone): no replay from here on.
void Relay::end_replay() {
  evtimer_del(handshake_timer_);
  if (replay_) evbuffer_free(replay_);
  replay_ = nullptr;
}

void Relay::handshake_timeout_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  if (self->finished_ || !self->replay_ || !self->server_) return;
  self->on_handshake_timeout();
}

// The server accepted and got the ConnectRequest, and said nothing. Nothing of it has reached the client, so the
// client cannot tell another server from this one: the failure is counted and the next server gets the same bytes.
void Relay::on_handshake_timeout() {
  size_t silent = *server_;
  Timestamp ts = now();
  context_.pool->handshake_timed_out(silent, ts);
  std::string why = "handshake timeout: no answer to the ConnectRequest within " +
                    std::to_string(context_.options->handshake_timeout_ms) + " ms";
  spdlog::warn("{} -> {}: {}; {}", client_address_, upstream_text_, why,
               candidates_.empty() ? "no server left to try" : "replaying it on the next server");
  Record close;
  close.kind = RecordKind::connection_close;
  close.ts = ts;
  close.dir = Direction::server_to_client;
  std::string detail = why + (candidates_.empty() ? ", closed by the proxy" : ", closed by the proxy and replayed");
  close.detail = detail;  // a view: `detail` outlives the consumers' calls
  context_.records->consume(connection_id_, close, labels_);
  reset_on_close(upstream_);
  bufferevent_free(upstream_);
  upstream_ = nullptr;
  server_.reset();
  eof_from_[1] = shut_toward_[1] = false;  // the next leg starts open; a FIN from the client is sent again
  ++failovers_;
  bufferevent_disable(client_, EV_READ);  // until the next server has the replay: it goes first
  try_next_upstream();
}

// A finished relay waits one loop turn to be freed; callbacks already queued for it must do nothing.
void Relay::read_cb(bufferevent* bev, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  if (self->finished_) return;
  self->forward(bev == self->client_ ? Side::client : Side::upstream);
}

void Relay::forward(Side from) {
  bufferevent* src = from == Side::client ? client_ : upstream_;
  bufferevent* dst = from == Side::client ? upstream_ : client_;
  evbuffer* in = bufferevent_get_input(src);
  size_t length = evbuffer_get_length(in);
  if (length == 0 || !dst) return;
  if (from == Side::upstream && !server_answered_) {
    server_answered_ = true;
    context_.pool->answered(*server_);
    end_replay();
  }
  // Past the bound the copy is given up, and with it the failover: the client waits, as without a proxy.
  if (from == Side::client && replay_ && evbuffer_get_length(replay_) + length > context_.options->high_watermark)
    end_replay();
  // The decoder reads the bytes where they lie; then the chain moves to the other side without a copy (only the
  // client's first bytes are copied, for a replay, until the server answers).
  Direction dir = from == Side::client ? Direction::client_to_server : Direction::server_to_client;
  auto take = [&](const evbuffer_iovec& c, Timestamp ts) {
    decoder_->feed(dir, {static_cast<const uint8_t*>(c.iov_base), c.iov_len}, ts);
    if (from == Side::client && replay_) evbuffer_add(replay_, c.iov_base, c.iov_len);
  };
  std::array<evbuffer_iovec, 16> chunks;
  int n = evbuffer_peek(in, -1, nullptr, chunks.data(), static_cast<int>(chunks.size()));
  Timestamp ts = now();
  if (n > static_cast<int>(chunks.size())) {
    std::vector<evbuffer_iovec> all(static_cast<size_t>(n));
    evbuffer_peek(in, -1, nullptr, all.data(), n);
    for (const auto& c : all) take(c, ts);
  } else {
    for (int i = 0; i < n; ++i) take(chunks[i], ts);
  }
  (from == Side::client ? bytes_up_ : bytes_down_) += length;
  evbuffer* out = bufferevent_get_output(dst);
  evbuffer_add_buffer(out, in);
  if (evbuffer_get_length(out) >= context_.options->high_watermark) {
    // Backpressure: the other side is not keeping up; stop reading until its output drains.
    bufferevent_disable(src, EV_READ);
    bufferevent_setwatermark(dst, EV_WRITE, context_.options->low_watermark, 0);
  }
  if (reset_requested_) {
    // The rest of what the decoder holds is the body of the frame it just reported: reported once is enough.
    decoder_->discard(dir);
    reset_on_close(client_);
    reset_on_close(upstream_);
    return finish("closed by the proxy: oversized frame", dir);
  }
  if (idle_close_requested_) close_both_gracefully();
}

// Both ways at once, as if each peer had sent FIN: the queued bytes go out, then FIN, then the relay ends.
void Relay::close_both_gracefully() {
  idle_close_requested_ = false;
  eof_from_[0] = eof_from_[1] = true;
  if (client_) bufferevent_disable(client_, EV_READ);
  if (upstream_) bufferevent_disable(upstream_, EV_READ);
  half_close_toward(Side::upstream);
  if (!finished_) half_close_toward(Side::client);
}

void Relay::write_cb(bufferevent* bev, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  if (self->finished_) return;
  self->on_drained(bev == self->client_ ? Side::client : Side::upstream);
}

void Relay::on_drained(Side side) {
  bufferevent* drained = side == Side::client ? client_ : upstream_;
  bufferevent* other = side == Side::client ? upstream_ : client_;
  size_t other_index = side == Side::client ? 1 : 0;
  if (other && !eof_from_[other_index]) bufferevent_enable(other, EV_READ);
  bufferevent_setwatermark(drained, EV_WRITE, 0, 0);
  if (eof_from_[other_index] && evbuffer_get_length(bufferevent_get_output(drained)) == 0) half_close_toward(side);
}

// The other side sent FIN: once what it sent has reached `side`, send FIN toward `side` too.
void Relay::half_close_toward(Side side) {
  size_t index = side == Side::client ? 0 : 1;
  bufferevent* bev = side == Side::client ? client_ : upstream_;
  if (shut_toward_[index] || !bev) return;
  if (evbuffer_get_length(bufferevent_get_output(bev)) > 0) return;  // write_cb comes back when drained
  shutdown(bufferevent_getfd(bev), SHUT_WR);
  shut_toward_[index] = true;
  if (eof_from_[0] && eof_from_[1] && shut_toward_[0] && shut_toward_[1]) finish("fin", first_closer_);
}

void Relay::event_cb(bufferevent* bev, short what, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  if (self->finished_) return;
  self->on_event(bev == self->client_ ? Side::client : Side::upstream, what);
}

void Relay::on_event(Side side, short what) {
  if (side == Side::upstream && !server_) {
    if (what & BEV_EVENT_CONNECTED) return on_upstream_connected();
    // Refused or unreachable before the client noticed anything: try the next server.
    evtimer_del(connect_timer_);
    attempt_open_ = false;
    context_.pool->failed(trying_, now());
    return try_next_upstream();
  }
  size_t index = side == Side::client ? 0 : 1;
  Direction from = side == Side::client ? Direction::client_to_server : Direction::server_to_client;
  if (side == Side::upstream) end_replay();  // its close reaches the client: the client will see it
  if (what & BEV_EVENT_EOF) {
    forward(side);  // anything still buffered goes first
    eof_from_[index] = true;
    if (!first_closer_) first_closer_ = from;
    bufferevent_disable(side == Side::client ? client_ : upstream_, EV_READ);
    half_close_toward(side == Side::client ? Side::upstream : Side::client);
    return;
  }
  if (what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
    // A reset (or a dead socket) on one side is passed on as a reset to the other.
    if (!first_closer_) first_closer_ = from;
    reset_on_close(side == Side::client ? upstream_ : client_);
    finish("rst", first_closer_);
  }
}

std::optional<size_t> Relay::attached_server() const {
  if (finished_ || !server_ || decoder_->session_id() == 0) return std::nullopt;
  return server_;
}

void Relay::move_away() {
  if (finished_) return;
  if (upstream_) {
    bufferevent_free(upstream_);  // closes the server's socket now; the client's goes when the relay is freed
    upstream_ = nullptr;
  }
  finish("closed by the proxy: session moved to another server", std::nullopt);
}

void Relay::close_when_idle() {
  close_when_idle_ = true;
  if (!server_) return finish("closed by the proxy (shutdown)", std::nullopt);
  if (decoder_->pending_requests() == 0) close_both_gracefully();
}

void Relay::on_record(const Record& record) {
  context_.records->consume(connection_id_, record, labels_);
  if (record.kind == RecordKind::reply && record.latency_us >= 0 && server_)
    context_.pool->observed_latency(*server_, record.latency_us);
  if (record.kind == RecordKind::connect_request && replay_ && context_.options->handshake_timeout_ms > 0) {
    timeval timeout = millis(context_.options->handshake_timeout_ms);
    evtimer_add(handshake_timer_, &timeout);
  }
  if (record.kind == RecordKind::decode_error && record.error == DecodeError::frame_too_large &&
      context_.options->oversized_frame == OversizedFrameAction::close) {
    reset_requested_ = true;
  }
  // A graceful shutdown waits for the last reply before closing the connection.
  if (close_when_idle_ && record.kind == RecordKind::reply && decoder_->pending_requests() == 0)
    idle_close_requested_ = true;
}

void Relay::finish(std::string_view how, std::optional<Direction> first_closer) {
  if (finished_) return;
  finished_ = true;
  Timestamp ts = now();
  // Between two legs (a failover still connecting) there is nothing to close: the last leg's close is recorded.
  if (server_) {
    decoder_->finish(ts);
    Record close;
    close.kind = RecordKind::connection_close;
    close.ts = ts;
    close.session = decoder_->session_id();
    close.pending = static_cast<uint32_t>(decoder_->pending_requests());
    std::string detail(how);
    if (first_closer) {
      close.dir = *first_closer;
      detail += *first_closer == Direction::client_to_server ? " from the client" : " from the server";
    }
    close.detail = detail;
    context_.records->consume(connection_id_, close, labels_);
    context_.pool->released(*server_);
  } else if (attempt_open_) {
    context_.pool->released(trying_);  // given up while still connecting (a shutdown): not the server's fault
  }
  if (upstream_) bufferevent_disable(upstream_, EV_READ | EV_WRITE);
  if (client_) bufferevent_disable(client_, EV_READ | EV_WRITE);
  context_.finished(id_);
}

}  // namespace zkwire
