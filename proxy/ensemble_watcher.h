// Follows the ensemble's own member list: a session of the proxy's own reads /zookeeper/config and watches it.
#pragma once
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "decoder/connection_decoder.h"
#include "proxy/ensemble_config.h"

namespace zkwire {

// Speaks the client protocol with the project's own encoder and decoder (no client library): ConnectRequest,
// getData("/zookeeper/config", watch) again after every change notification, pings at a third of the session
// timeout. A lost connection is retried on the next server after a second, with a new session; nothing is
// lost by that, the node is simply read again.
class EnsembleWatcher {
 public:
  using OnConfig = std::function<void(const EnsembleConfig&)>;

  EnsembleWatcher(event_base* base, std::vector<std::string> servers, OnConfig on_config);
  ~EnsembleWatcher();
  EnsembleWatcher(const EnsembleWatcher&) = delete;
  EnsembleWatcher& operator=(const EnsembleWatcher&) = delete;

  void start();
  // Where to connect from the next attempt on (the list it follows may itself change).
  void set_servers(std::vector<std::string> servers) { servers_ = std::move(servers); }
  const std::string& last_version() const { return last_version_; }
  bool connected() const { return session_ != 0; }

 private:
  struct Replies;
  static constexpr int32_t kSessionTimeoutMs = 30'000;
  static constexpr int64_t kHandshakeTimeoutNs = 5'000'000'000;

  void connect_next();
  void drop(const std::string& why);
  void send(const std::vector<uint8_t>& frame);
  void read_config();
  void on_record(const Record& r);
  static void on_read(bufferevent* bev, void* self);
  static void on_event(bufferevent* bev, short what, void* self);
  static void on_timer(evutil_socket_t, short, void* self);

  event_base* base_;
  std::vector<std::string> servers_;
  OnConfig on_config_;
  size_t next_server_ = 0;
  bufferevent* bev_ = nullptr;
  event* timer_ = nullptr;
  std::unique_ptr<Replies> replies_;
  std::unique_ptr<ConnectionDecoder> decoder_;
  int64_t session_ = 0;
  int32_t next_xid_ = 1;
  int64_t last_sent_ns_ = 0;
  int64_t connect_started_ns_ = 0;
  std::string server_;
  std::string last_version_;
};

}  // namespace zkwire
