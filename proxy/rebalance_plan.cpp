// Largest-remainder fair shares and the excess/deficit of each server against them.
#include "proxy/rebalance_plan.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zkwire {
namespace {

// A server that can take sessions: without one, nothing is planned.
bool anywhere_to_go(const std::vector<ServerLoad>& servers) {
  return std::any_of(servers.begin(), servers.end(), [](const ServerLoad& s) { return s.takes_clients && s.weight > 0; });
}

}  // namespace

uint32_t RebalancePlan::moves() const { return std::accumulate(moves_from.begin(), moves_from.end(), 0u); }

std::vector<uint32_t> fair_shares(const std::vector<ServerLoad>& servers) {
  std::vector<uint32_t> targets(servers.size(), 0);
  uint64_t total = 0;
  double weight_sum = 0;
  for (const ServerLoad& s : servers) {
    total += s.sessions;
    if (s.takes_clients && s.weight > 0) weight_sum += s.weight;
  }
  if (weight_sum <= 0) return targets;  // nowhere to go: nothing is planned

  struct Remainder {
    double fraction;
    uint32_t current;
    size_t index;
  };
  std::vector<Remainder> remainders;
  uint64_t given = 0;
  for (size_t i = 0; i < servers.size(); ++i) {
    const ServerLoad& s = servers[i];
    if (!s.takes_clients || s.weight <= 0) continue;
    const double exact = static_cast<double>(total) * s.weight / weight_sum;
    targets[i] = static_cast<uint32_t>(std::floor(exact + 1e-9));
    given += targets[i];
    remainders.push_back({exact - targets[i], s.sessions, i});
  }
  // Remainders within a rounding error are equal, so that equal weights tie and current load decides.
  std::sort(remainders.begin(), remainders.end(), [](const Remainder& a, const Remainder& b) {
    if (std::fabs(a.fraction - b.fraction) > 1e-9) return a.fraction > b.fraction;
    if (a.current != b.current) return a.current > b.current;
    return a.index < b.index;
  });
  for (size_t k = 0; given < total && k < remainders.size(); ++k, ++given) ++targets[remainders[k].index];
  return targets;
}

bool needs_rebalance(const std::vector<ServerLoad>& servers, uint32_t tolerance) {
  const std::vector<uint32_t> targets = fair_shares(servers);
  if (!anywhere_to_go(servers)) return false;
  for (size_t i = 0; i < servers.size(); ++i) {
    const int64_t off = static_cast<int64_t>(servers[i].sessions) - static_cast<int64_t>(targets[i]);
    if (!servers[i].takes_clients && servers[i].sessions > 0) return true;
    if (static_cast<uint64_t>(off < 0 ? -off : off) > tolerance) return true;
  }
  return false;
}

RebalancePlan plan_rebalance(const std::vector<ServerLoad>& servers) {
  RebalancePlan plan;
  plan.targets = fair_shares(servers);
  plan.moves_from.assign(servers.size(), 0);
  plan.moves_to.assign(servers.size(), 0);
  if (!anywhere_to_go(servers)) return plan;
  for (size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].sessions > plan.targets[i]) plan.moves_from[i] = servers[i].sessions - plan.targets[i];
    if (servers[i].sessions < plan.targets[i]) plan.moves_to[i] = plan.targets[i] - servers[i].sessions;
  }
  return plan;
}

}  // namespace zkwire
