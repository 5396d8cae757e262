// The servers a client can be sent to: their health, their load, and the named policy that picks one.
#pragma once
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "decoder/basics.h"
#include "proxy/proxy_options.h"
#include "proxy/socket_address.h"

namespace zkwire {

enum class UpstreamState : uint8_t { up, ejected };
std::string_view upstream_state_name(UpstreamState s);

struct Upstream {
  SocketAddress address;
  UpstreamState state = UpstreamState::up;
  uint32_t connections = 0;  // relays attached now, or connecting
  uint32_t consecutive_failures = 0;
  Timestamp ejected_until;
  uint64_t connections_total = 0, failures_total = 0, ejections_total = 0;
};

class UpstreamPool {
 public:
  UpstreamPool(std::vector<SocketAddress> servers, PoolOptions options);

  // Every server in the order to try for a new client: the policy's pick first, then the others, ejected
  // servers last (an ejected server is still better than refusing the client when nothing else answers).
  std::vector<size_t> order_for_new_client(Timestamp now);
  // One attempt on `server` begins; it ends in failed() or connected(), and a connection in released().
  void attempting(size_t server);
  void connected(size_t server);
  void failed(size_t server, Timestamp now);
  void released(size_t server);

  const std::vector<Upstream>& servers() const { return servers_; }
  const PoolOptions& options() const { return options_; }
  void set_options(const PoolOptions& options) { options_ = options; }

 private:
  std::vector<Upstream> servers_;
  PoolOptions options_;
  size_t next_round_robin_ = 0;
  std::minstd_rand random_{std::random_device{}()};
};

}  // namespace zkwire
