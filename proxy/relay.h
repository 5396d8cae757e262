// One client connection and its upstream: bytes forwarded unchanged, decoded on the side, closes mirrored.
#pragma once
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "decoder/connection_decoder.h"
#include "proxy/proxy_options.h"
#include "proxy/upstream_pool.h"

namespace zkwire {

// What a relay needs from the proxy that owns it.
struct RelayContext {
  event_base* base;
  const ProxyOptions* options;
  const DecoderOptions* decoder;
  UpstreamPool* pool;
  RecordConsumer* records;  // decoded records go here, with the relay's id and endpoints
  std::function<void(uint64_t relay_id)> finished;  // the relay is done and may be destroyed
  std::function<uint64_t()> new_connection_id;  // for a second upstream leg after a handshake failover
};

class Relay : private RecordSink {
 public:
  Relay(RelayContext context, uint64_t id, evutil_socket_t client_fd, std::string client_address);
  ~Relay() override;
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Starts connecting to the first server the pool offers.
  void start();
  // For a graceful shutdown: close once nothing is pending (now, if nothing is).
  void close_when_idle();

  uint64_t id() const { return id_; }
  // The id its records carry: a new one for each upstream leg (a handshake failover starts a second leg).
  uint64_t connection_id() const { return connection_id_; }
  uint32_t failovers() const { return failovers_; }
  const std::string& client_address() const { return client_address_; }
  std::string upstream_address() const;
  int64_t session() const { return decoder_->session_id(); }
  // The server its session is attached on, while it is (not before the handshake, nor once closing).
  std::optional<size_t> attached_server() const;
  // Rebalancing: the upstream is closed first (so the session is never held on two servers), then the client,
  // which reconnects with its session and is sent to the new server.
  void move_away();
  size_t pending_requests() const { return decoder_->pending_requests(); }
  uint64_t bytes_up() const { return bytes_up_; }
  uint64_t bytes_down() const { return bytes_down_; }
  Timestamp opened() const { return opened_; }

 private:
  enum class Side : uint8_t { client, upstream };

  void try_next_upstream();
  void on_upstream_connected();
  void on_handshake_timeout();
  void replay();
  void end_replay();
  void forward(Side from);
  void on_event(Side side, short what);
  void on_drained(Side side);
  void half_close_toward(Side side);
  void close_both_gracefully();
  void finish(std::string_view how, std::optional<Direction> first_closer);
  void on_record(const Record& record) override;
  Timestamp now() const;

  static void read_cb(bufferevent* bev, void* arg);
  static void write_cb(bufferevent* bev, void* arg);
  static void event_cb(bufferevent* bev, short what, void* arg);
  static void connect_timeout_cb(evutil_socket_t, short, void* arg);
  static void handshake_timeout_cb(evutil_socket_t, short, void* arg);

  RelayContext context_;
  uint64_t id_;
  std::string client_address_;
  bufferevent* client_ = nullptr;
  bufferevent* upstream_ = nullptr;
  event* connect_timer_ = nullptr;
  event* handshake_timer_ = nullptr;  // armed by the ConnectRequest, disarmed by the server's first byte
  // Every byte the client has sent on this connection, kept only while nothing from the upstream has reached the
  // client (then another server can be given the same bytes unseen); freed at the server's first byte.
  evbuffer* replay_ = nullptr;
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
