// The relay: le-proxy's flow on plain events: each read decoded where it landed, then written straight on.
#include "proxy/relay.h"

#include <event2/buffer.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <ctime>

namespace zkwire {
namespace {

void set_nodelay(evutil_socket_t fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

Relay::Relay(RelayContext context, uint64_t id, evutil_socket_t client_fd, std::string client_address)
    : context_(std::move(context)),
      id_(id),
      client_address_(std::move(client_address)),
      decoder_(*context_.decoder, *this) {
  set_nodelay(client_fd);
  client_.fd = client_fd;
  client_.readable = event_new(context_.base, client_fd, EV_READ | EV_PERSIST, read_cb, this);
  opened_ = now();
  labels_ = {client_address_, upstream_text_};
}

Relay::~Relay() {
  close_socket(upstream_);
  close_socket(client_);
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
    context_.pool->failed(server, now());
    return try_next_upstream();
  }
  upstream_.fd = fd;
  upstream_.readable = event_new(context_.base, fd, EV_READ | EV_PERSIST, read_cb, this);
  // Connected (or refused) when writable; EV_TIMEOUT when the server never answers.
  timeval timeout{context_.options->connect_timeout_ms / 1000, (context_.options->connect_timeout_ms % 1000) * 1000};
  watch_writable(Side::upstream, &timeout);
}

void Relay::on_upstream_connected() {
  event_del(upstream_.writable);
  server_ = trying_;
  attempt_open_ = false;
  context_.pool->connected(trying_);
  set_nodelay(upstream_.fd);
  labels_ = {client_address_, upstream_text_};
  Record open;
  open.kind = RecordKind::connection_open;
  open.ts = opened_;
  open.detail = "accepted by the proxy";
  context_.records->consume(id_, open, labels_);
  set_reading(Side::client, true);
  set_reading(Side::upstream, true);
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
  if (self->finished_) return;
  self->on_readable(fd == self->client_.fd ? Side::client : Side::upstream);
}

void Relay::write_cb(evutil_socket_t fd, short what, void* arg) {
  auto* self = static_cast<Relay*>(arg);
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
    self->context_.pool->failed(self->trying_, self->now());
    return self->try_next_upstream();
  }
  self->on_writable(side);
}

// One read into the shared buffer; the decoder reads the bytes where they lie, then they go to the other side.
void Relay::on_readable(Side from) {
  Socket& src = socket(from);
  std::span<uint8_t> buffer = context_.read_buffer;
  ssize_t n = recv(src.fd, buffer.data(), buffer.size(), 0);
  if (n == 0) return on_eof(from);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return on_socket_error(from);
  }
  std::span<const uint8_t> bytes(buffer.data(), static_cast<size_t>(n));
  Direction dir = from == Side::client ? Direction::client_to_server : Direction::server_to_client;
  decoder_.feed(dir, bytes, now());
  (from == Side::client ? bytes_up_ : bytes_down_) += bytes.size();
  if (!send_to(other(from), bytes)) return;
  if (reset_requested_) {
    client_.reset_on_close = upstream_.reset_on_close = true;
    return finish("closed by the proxy: oversized frame", dir);
  }
  if (idle_close_requested_) close_both_gracefully();
}

// Straight to the socket when nothing is queued before these bytes; what it does not take waits for writability.
// False when the relay ended (a write error).
bool Relay::send_to(Side to, std::span<const uint8_t> bytes) {
  Socket& dst = socket(to);
  if (dst.pending_bytes() == 0) {
    ssize_t n = send(dst.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        on_socket_error(to);
        return false;
      }
      n = 0;
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
    if (bytes.empty()) return true;
  }
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
  set_reading(side, false);
  half_close_toward(other(side));
}

// A reset (or a dead socket) on one side is passed on as a reset to the other.
void Relay::on_socket_error(Side side) {
  if (!first_closer_) first_closer_ = side == Side::client ? Direction::client_to_server : Direction::server_to_client;
  socket(other(side)).reset_on_close = true;
  finish("rst", first_closer_);
}

void Relay::close_when_idle() {
  close_when_idle_ = true;
  if (!server_) return finish("closed by the proxy (shutdown)", std::nullopt);
  if (decoder_.pending_requests() == 0) close_both_gracefully();
}

void Relay::on_record(const Record& record) {
  context_.records->consume(id_, record, labels_);
  if (record.kind == RecordKind::decode_error && record.error == DecodeError::frame_too_large &&
      context_.options->oversized_frame == OversizedFrameAction::close) {
    reset_requested_ = true;
  }
  // A graceful shutdown waits for the last reply before closing the connection.
  if (close_when_idle_ && record.kind == RecordKind::reply && decoder_.pending_requests() == 0)
    idle_close_requested_ = true;
}

void Relay::finish(std::string_view how, std::optional<Direction> first_closer) {
  if (finished_) return;
  finished_ = true;
  Timestamp ts = now();
  decoder_.finish(ts);
  if (server_) {
    Record close;
    close.kind = RecordKind::connection_close;
    close.ts = ts;
    close.session = decoder_.session_id();
    close.pending = static_cast<uint32_t>(decoder_.pending_requests());
    std::string detail(how);
    if (first_closer) {
      close.dir = *first_closer;
      detail += *first_closer == Direction::client_to_server ? " from the client" : " from the server";
    }
    close.detail = detail;
    context_.records->consume(id_, close, labels_);
    context_.pool->released(*server_);
  } else if (attempt_open_) {
    context_.pool->released(trying_);  // given up while still connecting (a shutdown): not the server's fault
  }
  for (Socket* s : {&client_, &upstream_}) {
    if (s->readable) event_del(s->readable);
    if (s->writable) event_del(s->writable);
  }
  context_.finished(id_);
}

}  // namespace zkwire
