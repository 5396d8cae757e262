// One client connection and its upstream: bytes forwarded unchanged, decoded on the side, closes mirrored.
#pragma once
#include <event2/buffer.h>
#include <event2/event.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "decoder/connection_decoder.h"
#include "proxy/proxy_options.h"
#include "proxy/upstream_pool.h"

namespace zkwire {

// Where a session being moved by the rebalancer must go when its client reconnects.
class SessionRouter {
 public:
  virtual ~SessionRouter() = default;
  // Whether any session is being moved now: only then does a new connection wait for its ConnectRequest
  // before choosing a server (otherwise the upstream connect runs alongside the client's first send).
  virtual bool routing() const = 0;
  virtual std::optional<size_t> target_of(int64_t session) const = 0;
};

// What a relay needs from the proxy that owns it.
struct RelayContext {
  event_base* base;
  const ProxyOptions* options;
  const DecoderOptions* decoder;
  UpstreamPool* pool;
  RecordConsumer* records;  // decoded records go here, with the relay's id and endpoints
  std::span<uint8_t> read_buffer;  // shared by every relay of the loop: each read lands here, is decoded, sent on
  std::function<void(uint64_t relay_id)> finished;  // the relay is done and may be destroyed
  std::function<uint64_t()> new_connection_id;  // for a second upstream leg after a handshake failover
  const SessionRouter* router = nullptr;
  uint64_t* io_callbacks = nullptr;  // bumped by every read and write callback: the loop's sign of work done
};

class Relay : private RecordSink {
 public:
  Relay(RelayContext context, uint64_t id, evutil_socket_t client_fd, std::string client_address);
  ~Relay() override;
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Starts connecting to the first server the pool offers (or, while sessions are being moved, first reads the
  // client's ConnectRequest to learn which session it resumes).
  void start();
  // For a graceful shutdown: close once nothing is pending (now, if nothing is).
  void close_when_idle();

  uint64_t id() const { return id_; }
  // The id its records carry: a new one for each upstream leg (a handshake failover starts a second leg).
  uint64_t connection_id() const { return connection_id_; }
  uint32_t failovers() const { return failovers_; }
  const std::string& client_address() const { return client_address_; }
  std::string upstream_address() const;
  // The session granted or, before the ConnectResponse, the one its ConnectRequest resumes (0: none yet).
  int64_t session() const { return decoder_->session_id() != 0 ? decoder_->session_id() : requested_session_; }
  size_t pending_requests() const { return decoder_->pending_requests(); }
  uint64_t bytes_up() const { return bytes_up_; }
  uint64_t bytes_down() const { return bytes_down_; }
  Timestamp opened() const { return opened_; }
  // The server its session is attached on, or being attached on (a resume on its way), while it is.
  std::optional<size_t> attached_server() const;
  // Its session attached and answered: only such a connection is moved.
  bool established() const { return !finished_ && server_ && decoder_->session_id() != 0; }
  // Rebalancing: the upstream is closed first (so the session is never held on two servers), then the client,
  // which reconnects with its session and is sent to the new server.
  void move_away();

 private:
  enum class Side : uint8_t { client, upstream };
  static Side other(Side s) { return s == Side::client ? Side::upstream : Side::client; }

  // One socket of the relay. Bytes are written to it straight from the read buffer; only what it does not take at
  // once is kept (`pending`, created on first need) and written when it becomes writable.
  struct Socket {
    evutil_socket_t fd = -1;
    event* readable = nullptr;  // persistent; added while the relay reads from this side
    event* writable = nullptr;  // created on first need: connecting, or bytes pending
    evbuffer* pending = nullptr;
    bool reading = false;
    bool reset_on_close = false;  // close with an RST (linger 0): how a reset is passed on
    size_t pending_bytes() const { return pending ? evbuffer_get_length(pending) : 0; }
  };

  Socket& socket(Side s) { return s == Side::client ? client_ : upstream_; }
  void try_next_upstream();
  void on_upstream_connected();
  void read_first_bytes();
  void on_handshake_timeout();
  void replay();
  void end_replay();
  void on_readable(Side from);
  void on_writable(Side to);
  bool send_to(Side to, std::span<const uint8_t> bytes);
  ssize_t write_now(Side to, std::span<const uint8_t> bytes);
  bool queue_unwritten(Side to, std::span<const uint8_t> bytes, ssize_t written);
  void set_reading(Side side, bool on);
  void watch_writable(Side side, const timeval* timeout);
  void on_eof(Side side);
  void on_socket_error(Side side);
  void half_close_toward(Side side);
  void close_both_gracefully();
  void close_socket(Socket& s);
  void finish(std::string_view how, std::optional<Direction> first_closer);
  void on_record(const Record& record) override;

  static void read_cb(evutil_socket_t, short, void* arg);
  static void write_cb(evutil_socket_t, short what, void* arg);
  static void handshake_timeout_cb(evutil_socket_t, short, void* arg);

  RelayContext context_;
  uint64_t id_;
  std::string client_address_;
  Socket client_;
  Socket upstream_;
  event* handshake_timer_ = nullptr;  // armed by the ConnectRequest, disarmed by the server's first byte
  // Every byte the client has sent on this connection, kept only while nothing from the upstream has reached the
  // client (then another server can be given the same bytes unseen); freed at the server's first byte.
  evbuffer* replay_ = nullptr;
  bool awaiting_first_bytes_ = false;
  int64_t requested_session_ = 0;  // from the ConnectRequest: a resume, counted where it goes before it lands  // reading the ConnectRequest before choosing a server (a move under way)
  std::vector<size_t> candidates_;  // servers still to try, in order
  size_t trying_ = 0;  // the server being connected to
  bool attempt_open_ = false;  // an attempt on trying_ counts against it in the pool
  std::optional<size_t> server_;  // the connected upstream
  bool server_answered_ = false;  // this leg's server has sent something
  uint64_t connection_id_;
  uint32_t failovers_ = 0;
  std::optional<ConnectionDecoder> decoder_;  // one per upstream leg
  FlowLabels labels_;
  std::string upstream_text_;
  Timestamp opened_;
  uint64_t bytes_up_ = 0, bytes_down_ = 0;
  bool eof_from_[2] = {false, false};  // indexed by Side
  bool shut_toward_[2] = {false, false};  // we sent FIN toward that side
  bool close_when_idle_ = false;
  // Set while the decoder runs (its callbacks must not free the buffers it reads); acted on right after.
  bool reset_requested_ = false, idle_close_requested_ = false;
  bool finished_ = false;
  std::optional<Direction> first_closer_;
};

}  // namespace zkwire
