// The relay: le-proxy's flow on plain events: each read decoded where it landed, then written straight on.
#include "proxy/relay.h"

#include <event2/buffer.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "proxy/clocks.h"

namespace zkwire {
namespace {

void set_nodelay(evutil_socket_t fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A ConnectRequest's first fields: length, protocolVersion, lastZxidSeen, timeOut, then the session it resumes.
constexpr size_t kSessionIdEnd = 4 + 4 + 8 + 4 + 8;

bool is_four_letter_word(const uint8_t* b) {
  for (int i = 0; i < 4; ++i)
    if (b[i] < 'a' || b[i] > 'z') return false;
  return true;
}

}  // namespace

Relay::Relay(RelayContext context, uint64_t id, evutil_socket_t client_fd, std::string client_address)
    : context_(std::move(context)), id_(id), client_address_(std::move(client_address)), connection_id_(id) {
  decoder_.emplace(*context_.decoder, static_cast<RecordSink&>(*this));  // the private base, named
  set_nodelay(client_fd);
  client_.fd = client_fd;
  client_.readable = event_new(context_.base, client_fd, EV_READ | EV_PERSIST, read_cb, this);
  handshake_timer_ = evtimer_new(context_.base, handshake_timeout_cb, this);
  if (context_.options->handshake_timeout_ms > 0) replay_ = evbuffer_new();
  opened_ = wall_clock();
  labels_ = {client_address_, upstream_text_};
}

Relay::~Relay() {
  close_socket(upstream_);
  close_socket(client_);
  if (handshake_timer_) event_free(handshake_timer_);
  if (replay_) evbuffer_free(replay_);
}

void Relay::close_socket(Socket& s) {
  if (s.readable) event_free(s.readable);
  if (s.writable) event_free(s.writable);
  if (s.pending) evbuffer_free(s.pending);
  if (s.fd >= 0) {
    if (s.reset_on_close) {
      linger hard{1, 0};
      setsockopt(s.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    evutil_closesocket(s.fd);
  }
  s = Socket{};
}

std::string Relay::upstream_address() const { return upstream_text_; }

void Relay::start() {
  if (context_.router && context_.router->routing()) {
    // A session being moved may be reconnecting: its ConnectRequest says which, and so where it goes.
    awaiting_first_bytes_ = true;
    if (!replay_) replay_ = evbuffer_new();
    set_reading(Side::client, true);
    return;
  }
  candidates_ = context_.pool->order_for_new_client(wall_clock());
  try_next_upstream();
}

// Held, not decoded: the records of this connection begin with its connection_open, once a server is chosen.
void Relay::read_first_bytes() {
  std::span<uint8_t> buffer = context_.read_buffer;
  ssize_t n = recv(client_.fd, buffer.data(), buffer.size(), 0);
  if (n == 0) return finish("closed by the client before its first frame", std::nullopt);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return finish("rst from the client before its first frame", std::nullopt);
  }
  evbuffer_add(replay_, buffer.data(), static_cast<size_t>(n));
  bytes_up_ += static_cast<uint64_t>(n);
  uint8_t head[kSessionIdEnd];
  const size_t seen = std::min(evbuffer_get_length(replay_), sizeof head);
  evbuffer_copyout(replay_, head, seen);
  const bool four_letters = seen >= 4 && is_four_letter_word(head);
  if (!four_letters && seen < kSessionIdEnd) return;  // the rest of the ConnectRequest is on its way
  std::optional<size_t> target;
  if (!four_letters) {
    int64_t session = 0;
    for (size_t i = kSessionIdEnd - 8; i < kSessionIdEnd; ++i) session = (session << 8) | head[i];
    requested_session_ = session;
    if (session != 0) target = context_.router->target_of(session);
  }
  awaiting_first_bytes_ = false;
  set_reading(Side::client, false);  // until a server is connected and has what is held
  candidates_ = context_.pool->order_for_session(wall_clock(), target);
  try_next_upstream();
}

void Relay::try_next_upstream() {
  close_socket(upstream_);
  if (candidates_.empty()) return finish("no upstream server answered", Direction::server_to_client);
  size_t server = candidates_.front();
  candidates_.erase(candidates_.begin());
  const SocketAddress& address = context_.pool->servers()[server].address;
  upstream_text_ = address.text;
  trying_ = server;
  context_.pool->attempting(server);
  attempt_open_ = true;
  evutil_socket_t fd = ::socket(address.get()->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || (::connect(fd, address.get(), address.length) < 0 && errno != EINPROGRESS)) {
    if (fd >= 0) evutil_closesocket(fd);
    attempt_open_ = false;
    context_.pool->failed(server, wall_clock());
    return try_next_upstream();
  }
  upstream_.fd = fd;
  upstream_.readable = event_new(context_.base, fd, EV_READ | EV_PERSIST, read_cb, this);
  // Connected (or refused) when writable; EV_TIMEOUT when the server never answers.
  timeval timeout = millis(context_.options->connect_timeout_ms);
  watch_writable(Side::upstream, &timeout);
}

void Relay::on_upstream_connected() {
  event_del(upstream_.writable);
  server_ = trying_;
  server_answered_ = false;
  attempt_open_ = false;
  context_.pool->connected(trying_);
  set_nodelay(upstream_.fd);
  labels_ = {client_address_, upstream_text_};
  Record open;
  open.kind = RecordKind::connection_open;
  open.ts = opened_;
  std::string detail = "accepted by the proxy";
  if (failovers_ > 0) {
    // A second leg is a connection of its own to the inspector: its own id, a decoder that starts afresh.
    connection_id_ = context_.new_connection_id();
    decoder_.emplace(*context_.decoder, static_cast<RecordSink&>(*this));
    open.ts = wall_clock();
    detail += "; handshake failover " + std::to_string(failovers_);
  }
  open.detail = detail;
  context_.records->consume(connection_id_, open, labels_);
  replay();
  if (finished_) return;
  if (!eof_from_[0]) set_reading(Side::client, true);
  set_reading(Side::upstream, true);
}

// What the client sent before this leg (its first bytes, or everything a silent server got): sent and decoded now.
void Relay::replay() {
  if (!replay_ || evbuffer_get_length(replay_) == 0) return;
  int n = evbuffer_peek(replay_, -1, nullptr, nullptr, 0);
  std::vector<evbuffer_iovec> chunks(static_cast<size_t>(n));
  evbuffer_peek(replay_, -1, nullptr, chunks.data(), n);
  Timestamp ts = wall_clock();
  for (const auto& c : chunks) {
    std::span<const uint8_t> bytes(static_cast<const uint8_t*>(c.iov_base), c.iov_len);
    decoder_->feed(Direction::client_to_server, bytes, ts);
    if (!send_to(Side::upstream, bytes)) return;
  }
  if (context_.options->handshake_timeout_ms <= 0) end_replay();  // held only to choose the server
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
  Timestamp ts = wall_clock();
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
  upstream_.reset_on_close = true;
  close_socket(upstream_);
  server_.reset();
  eof_from_[1] = shut_toward_[1] = false;  // the next leg starts open; a FIN from the client is sent again
  ++failovers_;
  set_reading(Side::client, false);  // until the next server has the replay: it goes first
  try_next_upstream();
}

void Relay::set_reading(Side side, bool on) {
  Socket& s = socket(side);
  if (s.reading == on || !s.readable) return;
  s.reading = on;
  if (on)
    event_add(s.readable, nullptr);
  else
    event_del(s.readable);
}

void Relay::watch_writable(Side side, const timeval* timeout) {
  Socket& s = socket(side);
  if (!s.writable) s.writable = event_new(context_.base, s.fd, EV_WRITE | EV_PERSIST, write_cb, this);
  event_add(s.writable, timeout);
}

// A finished relay waits one loop turn to be freed; callbacks already queued for it must do nothing.
void Relay::read_cb(evutil_socket_t fd, short, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  ++*self->context_.io_callbacks;
  if (self->finished_) return;
  self->on_readable(fd == self->client_.fd ? Side::client : Side::upstream);
}

void Relay::write_cb(evutil_socket_t fd, short what, void* arg) {
  auto* self = static_cast<Relay*>(arg);
  ++*self->context_.io_callbacks;
  if (self->finished_) return;
  Side side = fd == self->client_.fd ? Side::client : Side::upstream;
  if (side == Side::upstream && !self->server_) {
    // The connect attempt ended: refused, unreachable or timed out before the client noticed anything, try the
    // next server.
    int error = 0;
    socklen_t length = sizeof error;
    if (!(what & EV_TIMEOUT) && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)
      return self->on_upstream_connected();
    self->attempt_open_ = false;
    self->context_.pool->failed(self->trying_, wall_clock());
    return self->try_next_upstream();
  }
  self->on_writable(side);
}

// One read into the shared buffer; the decoder reads the bytes where they lie, then they go to the other side.
void Relay::on_readable(Side from) {
  if (from == Side::client && awaiting_first_bytes_) return read_first_bytes();
  Socket& src = socket(from);
  std::span<uint8_t> buffer = context_.read_buffer;
  ssize_t n = recv(src.fd, buffer.data(), buffer.size(), 0);
  if (n == 0) return on_eof(from);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return on_socket_error(from);
  }
  std::span<const uint8_t> bytes(buffer.data(), static_cast<size_t>(n));
  if (from == Side::upstream && !server_answered_) {
    server_answered_ = true;
    context_.pool->answered(*server_);
    end_replay();
  }
  if (from == Side::client && replay_) {
    // Past the bound the copy is given up, and with it the failover: the client waits, as without a proxy.
    if (evbuffer_get_length(replay_) + bytes.size() > context_.options->high_watermark)
      end_replay();
    else
      evbuffer_add(replay_, bytes.data(), bytes.size());  // only the client's first bytes, until the server answers
  }
  Direction dir = from == Side::client ? Direction::client_to_server : Direction::server_to_client;
  (from == Side::client ? bytes_up_ : bytes_down_) += bytes.size();
  // Forwarded before they are decoded, so decoding never holds bytes back: the peer works on them meanwhile. A
  // write error is handled after the decoding, so bytes read are decoded even when they could not be delivered.
  ssize_t written = write_now(other(from), bytes);
  decoder_->feed(dir, bytes, wall_clock());
  if (!queue_unwritten(other(from), bytes, written)) return;
  if (reset_requested_) {
    // The rest of what the decoder holds is the body of the frame it just reported: reported once is enough.
    decoder_->discard(dir);
    client_.reset_on_close = upstream_.reset_on_close = true;
    return finish("closed by the proxy: oversized frame", dir);
  }
  if (idle_close_requested_) close_both_gracefully();
}

bool Relay::send_to(Side to, std::span<const uint8_t> bytes) { return queue_unwritten(to, bytes, write_now(to, bytes)); }

// Straight to the socket when nothing is queued before these bytes: what it took, or -1 on a write error.
ssize_t Relay::write_now(Side to, std::span<const uint8_t> bytes) {
  Socket& dst = socket(to);
  if (dst.pending_bytes() != 0) return 0;
  ssize_t n = send(dst.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
  return n;
}

// What the socket did not take waits for writability; a write error ends the relay. False when the relay ended.
bool Relay::queue_unwritten(Side to, std::span<const uint8_t> bytes, ssize_t written) {
  if (written < 0) {
    on_socket_error(to);
    return false;
  }
  bytes = bytes.subspan(static_cast<size_t>(written));
  if (bytes.empty()) return true;
  Socket& dst = socket(to);
  if (!dst.pending) dst.pending = evbuffer_new();
  evbuffer_add(dst.pending, bytes.data(), bytes.size());
  watch_writable(to, nullptr);
  // Backpressure: the other side is not keeping up; stop reading until its queue drains below the low mark.
  if (dst.pending_bytes() >= context_.options->high_watermark) set_reading(other(to), false);
  return true;
}

void Relay::on_writable(Side to) {
  Socket& dst = socket(to);
  if (dst.pending_bytes() > 0 && evbuffer_write(dst.pending, dst.fd) < 0 && errno != EAGAIN &&
      errno != EWOULDBLOCK && errno != EINTR)
    return on_socket_error(to);
  size_t left = dst.pending_bytes();
  Side from = other(to);
  size_t from_index = from == Side::client ? 0 : 1;
  if (left <= context_.options->low_watermark && !eof_from_[from_index]) set_reading(from, true);
  if (left > 0) return;
  event_del(dst.writable);
  if (eof_from_[from_index]) half_close_toward(to);
}

// Both ways at once, as if each peer had sent FIN: the queued bytes go out, then FIN, then the relay ends.
void Relay::close_both_gracefully() {
  idle_close_requested_ = false;
  eof_from_[0] = eof_from_[1] = true;
  set_reading(Side::client, false);
  set_reading(Side::upstream, false);
  half_close_toward(Side::upstream);
  if (!finished_) half_close_toward(Side::client);
}

// The other side sent FIN: once what it sent has reached `side`, send FIN toward `side` too.
void Relay::half_close_toward(Side side) {
  size_t index = side == Side::client ? 0 : 1;
  Socket& s = socket(side);
  if (shut_toward_[index] || s.fd < 0) return;
  if (s.pending_bytes() > 0) return;  // on_writable comes back when drained
  shutdown(s.fd, SHUT_WR);
  shut_toward_[index] = true;
  if (eof_from_[0] && eof_from_[1] && shut_toward_[0] && shut_toward_[1]) finish("fin", first_closer_);
}

void Relay::on_eof(Side side) {
  size_t index = side == Side::client ? 0 : 1;
  eof_from_[index] = true;
  if (!first_closer_) first_closer_ = side == Side::client ? Direction::client_to_server : Direction::server_to_client;
  if (side == Side::upstream) end_replay();  // its close reaches the client: the client will see it
  set_reading(side, false);
  half_close_toward(other(side));
}

// A reset (or a dead socket) on one side is passed on as a reset to the other.
void Relay::on_socket_error(Side side) {
  if (!first_closer_) first_closer_ = side == Side::client ? Direction::client_to_server : Direction::server_to_client;
  socket(other(side)).reset_on_close = true;
  finish("rst", first_closer_);
}

std::optional<size_t> Relay::attached_server() const {
  if (finished_ || session() == 0) return std::nullopt;
  if (server_) return server_;
  if (attempt_open_) return trying_;
  return std::nullopt;
}

void Relay::move_away() {
  if (finished_) return;
  close_socket(upstream_);  // the server's socket now; the client's when the relay is freed, a loop turn later
  finish("closed by the proxy: session moved to another server", std::nullopt);
}

void Relay::close_when_idle() {
  close_when_idle_ = true;
  if (!server_) return finish("closed by the proxy (shutdown)", std::nullopt);
  if (decoder_->pending_requests() == 0) close_both_gracefully();
}

void Relay::on_record(const Record& record) {
  context_.records->consume(connection_id_, record, labels_);
  // One switch, replies and requests first: this runs for every frame.
  switch (record.kind) {
    case RecordKind::reply:
      if (record.latency_us >= 0 && server_) context_.pool->observed_latency(*server_, record.latency_us);
      // A graceful shutdown waits for the last reply before closing the connection.
      if (close_when_idle_ && decoder_->pending_requests() == 0) idle_close_requested_ = true;
      return;
    case RecordKind::request: return;
    case RecordKind::connect_request:
      if (const auto* request = std::get_if<ConnectRequest>(&record.body)) requested_session_ = request->sessionId;
      if (replay_ && context_.options->handshake_timeout_ms > 0) {
        timeval timeout = millis(context_.options->handshake_timeout_ms);
        evtimer_add(handshake_timer_, &timeout);
      }
      return;
    case RecordKind::decode_error:
      if (record.error == DecodeError::frame_too_large &&
          context_.options->oversized_frame == OversizedFrameAction::close)
        reset_requested_ = true;
      return;
    default: return;
  }
}

void Relay::finish(std::string_view how, std::optional<Direction> first_closer) {
  if (finished_) return;
  finished_ = true;
  Timestamp ts = wall_clock();
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
  evtimer_del(handshake_timer_);
  for (Socket* s : {&client_, &upstream_}) {
    if (s->readable) event_del(s->readable);
    if (s->writable) event_del(s->writable);
  }
  context_.finished(id_);
}

}  // namespace zkwire
