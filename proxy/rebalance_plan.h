// The fewest session moves that give every server its weighted fair share: pure arithmetic, no sockets.
#pragma once
#include <cstdint>
#include <vector>

namespace zkwire {

// One server as the planner sees it. Sessions on a server that no longer takes clients (removed from the
// list, ejected, draining) all have to go; the others are balanced among the servers that take clients.
struct ServerLoad {
  double weight = 1.0;
  bool takes_clients = true;
  uint32_t sessions = 0;  // sessions attached to it now, plus moves already under way toward it
};

struct RebalancePlan {
  std::vector<uint32_t> targets;  // each server's fair share, summing to the total
  // moves_from[i] sessions leave server i; moves_to[j] arrive at server j; the sums are equal.
  std::vector<uint32_t> moves_from, moves_to;
  uint32_t moves() const;
};

// Fair shares by largest remainder over the servers that take clients: a server gets floor or ceil of its
// exact share, and where remainders tie the rounding up goes to servers holding more already, which is
// what keeps the number of moves at its minimum: the sum of every server's excess over its target.
std::vector<uint32_t> fair_shares(const std::vector<ServerLoad>& servers);

// Whether the spread is worth moving sessions for: a server that takes no clients still holds some, or one
// is more than `tolerance` sessions away from its fair share.
bool needs_rebalance(const std::vector<ServerLoad>& servers, uint32_t tolerance);

RebalancePlan plan_rebalance(const std::vector<ServerLoad>& servers);

}  // namespace zkwire
