// From relays and pool state to a plan, and from the plan to the sessions that move now.
#include "proxy/rebalancer.h"

#include <algorithm>

namespace zkwire {
namespace {

std::string_view reason_for(const Upstream& from, bool takes_clients) {
  if (takes_clients) return "fair_share";
  if (!from.listed) return "removed";
  if (from.state == UpstreamState::ejected) return "ejected";
  if (health_failed(from.health) || from.health == Health::read_only || from.consecutive_failures > 0)
    return "unhealthy";
  if (from.mode == ServerMode::leader) return "leader";
  return "weight";
}

}  // namespace

Rebalancer::Rebalancer(const RebalanceOptions& options)
    : options_(options), moves_(options.moves_per_second, options.burst, options.give_up_ms) {}

void Rebalancer::set_options(const RebalanceOptions& options) {
  options_ = options;
  moves_.set_pace(options.moves_per_second, options.burst);
}

std::vector<PlannedMove> Rebalancer::tick(const UpstreamPool& pool, const std::vector<AttachedSession>& sessions,
                                          Timestamp now) {
  moves_.forget_expired(now);
  const auto& servers = pool.servers();
  // Moves under way count where they are going: their sessions are on no server until they reconnect.
  std::vector<int64_t> present;
  present.reserve(sessions.size());
  for (const AttachedSession& s : sessions) present.push_back(s.session);
  std::sort(present.begin(), present.end());
  std::vector<uint32_t> inbound = moves_.inbound(servers.size(), present);
  std::vector<ServerLoad> loads(servers.size());
  for (size_t i = 0; i < servers.size(); ++i) {
    loads[i].weight = servers[i].weight;
    loads[i].takes_clients = pool.takes_clients(i);
    loads[i].sessions = inbound[i];
  }
  for (const AttachedSession& s : sessions)
    if (s.server < loads.size()) ++loads[s.server].sessions;
  if (!options_.enabled) return {};
  // Hysteresis: the tolerance decides when to start; once started, sessions move until the spread is exact
  // (every server at the floor or ceiling of its share), so the result is even, not merely within tolerance.
  if (!balancing_) balancing_ = needs_rebalance(loads, options_.tolerance);
  if (balancing_) balancing_ = needs_rebalance(loads, 0);
  if (!balancing_) return {};

  const RebalancePlan plan = plan_rebalance(loads);
  std::vector<MoveCandidate> candidates;
  for (const AttachedSession& s : sessions)
    if (s.at_safe_point) candidates.push_back({s.relay, s.session, s.server});
  std::vector<PlannedMove> planned;
  for (const ChosenMove& m : moves_.choose(plan, candidates, now)) {
    const std::string_view reason = reason_for(servers[m.from], loads[m.from].takes_clients);
    planned.push_back({m.relay, m.session, m.from, m.to, reason});
    ++moves_total_;
    ++by_route_[{servers[m.from].address.text, servers[m.to].address.text, std::string(reason)}];
  }
  return planned;
}

}  // namespace zkwire
