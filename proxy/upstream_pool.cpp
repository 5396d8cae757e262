// Policies and the failure/ejection bookkeeping of the upstream pool.
#include "proxy/upstream_pool.h"

#include <algorithm>
#include <numeric>

namespace zkwire {

std::string_view upstream_state_name(UpstreamState s) { return s == UpstreamState::up ? "up" : "ejected"; }

std::string_view server_state_name(const Upstream& u) {
  if (!u.listed) return u.connections > 0 ? "draining" : "removed";
  return upstream_state_name(u.state);
}

UpstreamPool::UpstreamPool(std::vector<ServerSpec> servers, PoolOptions options) : options_(options) {
  set_servers(std::move(servers));
}

std::string UpstreamPool::set_servers(std::vector<ServerSpec> servers) {
  std::string added, removed, reweighted;
  auto note = [](std::string& list, const std::string& what) { list += (list.empty() ? "" : ", ") + what; };
  std::vector<bool> still_listed(servers_.size(), false);
  for (ServerSpec& spec : servers) {
    auto known = std::find_if(servers_.begin(), servers_.end(),
                              [&](const Upstream& u) { return u.address.text == spec.address.text; });
    if (known == servers_.end()) {
      Upstream upstream;
      upstream.address = std::move(spec.address);
      upstream.weight = spec.weight;
      note(added, upstream.address.text);
      servers_.push_back(std::move(upstream));
      still_listed.push_back(true);
      continue;
    }
    const size_t index = static_cast<size_t>(known - servers_.begin());
    still_listed[index] = true;
    if (!known->listed) {
      // Back on the list: a clean slate, as for a new server.
      known->listed = true;
      known->state = UpstreamState::up;
      known->consecutive_failures = 0;
      note(added, known->address.text);
    }
    if (known->weight != spec.weight) note(reweighted, known->address.text);
    known->weight = spec.weight;
  }
  for (size_t i = 0; i < servers_.size(); ++i) {
    if (!still_listed[i] && servers_[i].listed) {
      servers_[i].listed = false;
      note(removed, servers_[i].address.text);
    }
  }
  std::string change;
  if (!added.empty()) change += "added " + added;
  if (!removed.empty()) change += (change.empty() ? "" : "; ") + std::string("removed ") + removed;
  if (!reweighted.empty()) change += (change.empty() ? "" : "; ") + std::string("new weight for ") + reweighted;
  return change;
}

bool UpstreamPool::takes_clients(size_t server) const {
  const Upstream& u = servers_[server];
  if (!u.listed || u.weight <= 0 || u.state != UpstreamState::up || u.consecutive_failures > 0) return false;
  if (health_failed(u.health) || u.health == Health::read_only) return false;
  if (options_.avoid_leader && u.mode == ServerMode::leader) {
    // Only while another server can take its share.
    for (size_t i = 0; i < servers_.size(); ++i)
      if (i != server && servers_[i].listed && servers_[i].state == UpstreamState::up &&
          servers_[i].health == Health::serving && servers_[i].mode != ServerMode::leader)
        return false;
  }
  return true;
}

std::vector<size_t> UpstreamPool::order_for_session(Timestamp now, std::optional<size_t> preferred) {
  std::vector<size_t> order = order_for_new_client(now);
  if (preferred && *preferred < servers_.size() && takes_clients(*preferred)) {
    auto at = std::find(order.begin(), order.end(), *preferred);
    if (at != order.end()) std::rotate(order.begin(), at, at + 1);
  }
  return order;
}

std::vector<size_t> UpstreamPool::order_for_new_client(Timestamp now) {
  for (Upstream& u : servers_)
    if (u.state == UpstreamState::ejected && now >= u.ejected_until) {
      u.state = UpstreamState::up;  // its retry timeout is over: give it another chance
      u.consecutive_failures = 0;
    }
  std::vector<size_t> order;
  for (size_t i = 0; i < servers_.size(); ++i)
    if (servers_[i].listed) order.push_back(i);
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
