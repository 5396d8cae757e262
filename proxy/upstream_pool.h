// The servers a client can be sent to: their health, their load, and the named policy that picks one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <random>
#include <string_view>
#include <vector>

#include "decoder/basics.h"
#include "proxy/health_reply.h"
#include "proxy/proxy_options.h"
#include "proxy/server_spec.h"
#include "proxy/socket_address.h"

namespace zkwire {

enum class UpstreamState : uint8_t { up, ejected };
std::string_view upstream_state_name(UpstreamState s);

struct Upstream {
  SocketAddress address;
  UpstreamState state = UpstreamState::up;
  // In the current server list. A server taken off the list keeps its index (relays refer to it) and its
  // sessions until they are moved: "draining" while it holds connections, "removed" once it holds none.
  bool listed = true;
  double weight = 1.0;
  uint32_t connections = 0;  // relays attached now, or connecting
  uint32_t consecutive_failures = 0;
  Timestamp ejected_until;
  uint64_t connections_total = 0, failures_total = 0, ejections_total = 0;
  uint64_t handshake_timeouts_total = 0;  // accepted, then no answer to a ConnectRequest in time
  // What the last health check said (unchecked while checks are off).
  Health health = Health::unchecked;
  ServerMode mode = ServerMode::unknown;
  int64_t zxid = -1;
  std::string health_detail;
  Timestamp checked_at;
  uint64_t checks_total = 0, check_failures_total = 0;
  // Reply latency as its clients see it lately: an exponentially weighted mean over the last ~100 replies.
  double recent_latency_us = -1;
};

// up, ejected, draining or removed, as GET /servers shows it.
std::string_view server_state_name(const Upstream& u);

class UpstreamPool {
 public:
  UpstreamPool(std::vector<ServerSpec> servers, PoolOptions options);

  // A new server list: new servers are added, servers no longer listed start draining, weights are updated.
  // Returns a line for the log saying what changed ("" if nothing did).
  std::string set_servers(std::vector<ServerSpec> servers);
  // Whether the server should hold sessions now: listed, up, answering, and (under avoid_leader) not the leader.
  bool takes_clients(size_t server) const;

  // Every server in the order to try for a new client: the policy's order within each rank of health (see
  // rank()), ejected servers last (an ejected server is still better than refusing the client when nothing
  // else answers).
  std::vector<size_t> order_for_new_client(Timestamp now);
  // The same, with `preferred` first when it takes clients: where a session being moved is sent.
  std::vector<size_t> order_for_session(Timestamp now, std::optional<size_t> preferred);
  // One attempt on `server` begins; it ends in failed() or connected(), and a connection in released().
  void attempting(size_t server);
  void connected(size_t server);
  // The server's first bytes on a connection: only now is it known to work (a server that accepts and never
  // answers must not have its failures reset by every accept).
  void answered(size_t server);
  void failed(size_t server, Timestamp now);
  void released(size_t server);
  void observed_latency(size_t server, int64_t us) {
    double& mean = servers_[server].recent_latency_us;
    // A product, not a quotient: this runs for every reply, and a division takes tens of cycles.
    mean = mean < 0 ? static_cast<double>(us) : mean + (static_cast<double>(us) - mean) * 0.01;
  }
  // A connected server sent nothing back to a ConnectRequest in time: a failed attempt, counted as such.
  void handshake_timed_out(size_t server, Timestamp now);
  // A health check's verdict: a failure counts toward ejection like a failed connect, an answer brings an
  // ejected server back at once.
  void checked(size_t server, HealthReport report, Timestamp now);
  // Health checks were turned off: what they said goes stale, so it is forgotten.
  void forget_health();

  const std::vector<Upstream>& servers() const { return servers_; }
  const PoolOptions& options() const { return options_; }
  void set_options(const PoolOptions& options) { options_ = options; }

 private:
  // Lower ranks are offered first: serving (or unchecked) servers, then the leader when avoid_leader is set,
  // then read-only ones, then those whose last check failed.
  int rank(const Upstream& u) const;
  void count_failure(Upstream& u, Timestamp now);

  std::vector<Upstream> servers_;
  PoolOptions options_;
  size_t next_round_robin_ = 0;
  std::minstd_rand random_{std::random_device{}()};
};

}  // namespace zkwire
