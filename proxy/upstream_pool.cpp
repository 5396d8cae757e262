// Policies and the failure/ejection bookkeeping of the upstream pool.
#include "proxy/upstream_pool.h"

#include <algorithm>
#include <numeric>

namespace zkwire {

std::string_view upstream_state_name(UpstreamState s) { return s == UpstreamState::up ? "up" : "ejected"; }

UpstreamPool::UpstreamPool(std::vector<SocketAddress> servers, PoolOptions options) : options_(options) {
  for (auto& address : servers) {
    Upstream upstream;
    upstream.address = std::move(address);
    servers_.push_back(std::move(upstream));
  }
}

std::vector<size_t> UpstreamPool::order_for_new_client(Timestamp now) {
  for (Upstream& u : servers_)
    if (u.state == UpstreamState::ejected && now >= u.ejected_until) {
      u.state = UpstreamState::up;  // its retry timeout is over: give it another chance
      u.consecutive_failures = 0;
    }
  std::vector<size_t> order(servers_.size());
  std::iota(order.begin(), order.end(), 0);
  if (order.empty()) return order;
  switch (options_.policy) {
    case BalancePolicy::least_connections:
      // Stable, so ties go to the earliest listed server and then rotate through connected() counts.
      std::stable_sort(order.begin(), order.end(),
                       [this](size_t a, size_t b) { return servers_[a].connections < servers_[b].connections; });
      break;
    case BalancePolicy::round_robin:
      std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(next_round_robin_ % order.size()),
                  order.end());
      ++next_round_robin_;
      break;
    case BalancePolicy::random:
      std::shuffle(order.begin(), order.end(), random_);
      break;
  }
  std::stable_sort(order.begin(), order.end(),
                   [this](size_t a, size_t b) { return rank(servers_[a]) < rank(servers_[b]); });
  return order;
}

int UpstreamPool::rank(const Upstream& u) const {
  if (u.state == UpstreamState::ejected) return 4;
  switch (u.health) {
    case Health::unchecked:
    case Health::serving: return options_.avoid_leader && u.mode == ServerMode::leader ? 1 : 0;
    case Health::read_only: return 2;
    case Health::not_serving:
    case Health::unreachable: return 3;
  }
  return 3;
}

// A connection counts against its server from the first attempt: a burst of new clients must not all pick the
// server that looked least loaded before any of their connects completed.
void UpstreamPool::attempting(size_t server) { ++servers_[server].connections; }

void UpstreamPool::connected(size_t server) { ++servers_[server].connections_total; }

void UpstreamPool::answered(size_t server) {
  Upstream& u = servers_[server];
  u.consecutive_failures = 0;
  u.state = UpstreamState::up;
}

void UpstreamPool::failed(size_t server, Timestamp now) {
  Upstream& u = servers_[server];
  if (u.connections > 0) --u.connections;
  ++u.failures_total;
  count_failure(u, now);
}

void UpstreamPool::count_failure(Upstream& u, Timestamp now) {
  if (++u.consecutive_failures >= options_.failure_limit && u.state == UpstreamState::up) {
    u.state = UpstreamState::ejected;
    u.ejected_until = {now.ns + options_.retry_timeout_ms * 1'000'000};
    ++u.ejections_total;
  }
}

void UpstreamPool::handshake_timed_out(size_t server, Timestamp now) {
  ++servers_[server].handshake_timeouts_total;
  failed(server, now);
}

void UpstreamPool::checked(size_t server, HealthReport report, Timestamp now) {
  Upstream& u = servers_[server];
  ++u.checks_total;
  u.health = report.health;
  u.mode = report.mode;
  if (report.zxid >= 0) u.zxid = report.zxid;
  u.health_detail = std::move(report.detail);
  u.checked_at = now;
  if (health_failed(u.health)) {
    ++u.check_failures_total;
    return count_failure(u, now);
  }
  u.consecutive_failures = 0;
  u.state = UpstreamState::up;
}

void UpstreamPool::forget_health() {
  for (Upstream& u : servers_) {
    u.health = Health::unchecked;
    u.mode = ServerMode::unknown;
    u.zxid = -1;
    u.health_detail.clear();
  }
}

void UpstreamPool::released(size_t server) {
  Upstream& u = servers_[server];
  if (u.connections > 0) --u.connections;
}

}  // namespace zkwire
