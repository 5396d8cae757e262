// The planner moves the fewest sessions to a fair spread, never more than ZooKeeper's own clients would.
#include "proxy/rebalance_plan.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace zkwire {
namespace {

std::vector<ServerLoad> loads(std::initializer_list<uint32_t> sessions) {
  std::vector<ServerLoad> out;
  for (uint32_t n : sessions) out.push_back({1.0, true, n});
  return out;
}

uint32_t total(const std::vector<uint32_t>& v) { return std::accumulate(v.begin(), v.end(), 0u); }

// ZOOKEEPER-1355 as the Java client's StaticHostProvider runs it when its server list changes from
// `old_size` servers to a list keeping `kept` of them and adding `added`: the expected number of its
// clients that reconnect elsewhere. A client whose server is gone always moves; when the list grows, a
// client whose server stays moves with probability 1 - old/new; when it does not grow, it stays.
double client_side_expected_moves(uint32_t old_size, uint32_t kept, uint32_t added, uint32_t on_kept,
                                  uint32_t on_removed) {
  const uint32_t new_size = kept + added;
  double moves = on_removed;
  if (new_size > old_size) moves += on_kept * (1.0 - static_cast<double>(old_size) / new_size);
  return moves;
}

// The same, one client at a time with a seeded random source, for the spread it leaves behind.
std::vector<uint32_t> client_side_spread(const std::vector<uint32_t>& before, uint32_t old_size, uint32_t kept,
                                         uint32_t added, uint32_t seed) {
  // Servers 0..kept-1 stay, kept..old_size-1 go, old_size..old_size+added-1 are new.
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<uint32_t> after(old_size + added, 0);
  const uint32_t new_size = kept + added;
  const double prob_old = new_size >= old_size || kept == old_size
                              ? 0
                              : static_cast<double>(kept * (old_size - new_size)) / (new_size * (old_size - kept));
  for (uint32_t server = 0; server < old_size; ++server) {
    for (uint32_t c = 0; c < before[server]; ++c) {
      const bool server_stays = server < kept;
      bool moves = !server_stays || (new_size > old_size && unit(random) <= 1.0 - double(old_size) / new_size);
      if (!moves) {
        ++after[server];
      } else if (added > 0 && (server_stays || unit(random) > prob_old)) {
        ++after[old_size + std::uniform_int_distribution<uint32_t>(0, added - 1)(random)];
      } else {
        ++after[std::uniform_int_distribution<uint32_t>(0, kept - 1)(random)];
      }
    }
  }
  return after;
}

TEST(FairShares, EqualWeightsSplitWithinOneAndRoundUpWhereSessionsAlreadyAre) {
  EXPECT_EQ(fair_shares(loads({34, 33, 33})), (std::vector<uint32_t>{34, 33, 33}));
  EXPECT_EQ(fair_shares(loads({33, 34, 33})), (std::vector<uint32_t>{33, 34, 33}));
  EXPECT_EQ(fair_shares(loads({0, 0, 100, 0, 0})), (std::vector<uint32_t>{20, 20, 20, 20, 20}));
  EXPECT_EQ(fair_shares(loads({2, 0, 0})), (std::vector<uint32_t>{1, 1, 0}));
}

TEST(FairShares, WeightsShareInProportionAndServersTakingNoClientsGetNothing) {
  std::vector<ServerLoad> servers = {{2.0, true, 0}, {1.0, true, 0}, {1.0, true, 100}};
  EXPECT_EQ(fair_shares(servers), (std::vector<uint32_t>{50, 25, 25}));
  servers[1].takes_clients = false;
  EXPECT_EQ(fair_shares(servers), (std::vector<uint32_t>{67, 0, 33}));
  EXPECT_EQ(total(fair_shares(servers)), 100u);
}

TEST(RebalancePlan, AnEvenSpreadNeedsNothingAndAToleranceAbsorbsDrift) {
  EXPECT_FALSE(needs_rebalance(loads({34, 33, 33}), 0));
  EXPECT_FALSE(needs_rebalance(loads({36, 32, 32}), 2));
  EXPECT_TRUE(needs_rebalance(loads({37, 32, 31}), 2));
  EXPECT_EQ(plan_rebalance(loads({34, 33, 33})).moves(), 0u);
}

TEST(RebalancePlan, AServerThatTakesNoClientsIsEmptiedWhateverTheTolerance) {
  std::vector<ServerLoad> servers = loads({40, 30, 30});
  servers[0].takes_clients = false;
  EXPECT_TRUE(needs_rebalance(servers, 1000));
  RebalancePlan plan = plan_rebalance(servers);
  EXPECT_EQ(plan.moves_from, (std::vector<uint32_t>{40, 0, 0}));
  EXPECT_EQ(plan.moves_to, (std::vector<uint32_t>{0, 20, 20}));
}

TEST(RebalancePlan, NowhereToGoPlansNothing) {
  std::vector<ServerLoad> servers = loads({10, 10});
  servers[0].takes_clients = servers[1].takes_clients = false;
  EXPECT_FALSE(needs_rebalance(servers, 0));
  EXPECT_EQ(plan_rebalance(servers).moves(), 0u);
}

// Growing 3 servers to 5 and shrinking back, on 1,000 sessions: the planner's moves are the minimum (each
// server's excess) and never more than the client-side algorithm's expectation, and the spread it reaches is
// even, where the clients' own spread is only even on average.
TEST(RebalancePlan, GrowingAndShrinkingMoveNoMoreThanTheClientsWouldAndEndEven) {
  std::vector<ServerLoad> grown = loads({334, 333, 333, 0, 0});
  RebalancePlan grow = plan_rebalance(grown);
  EXPECT_EQ(grow.targets, (std::vector<uint32_t>{200, 200, 200, 200, 200}));
  EXPECT_EQ(grow.moves(), 400u);
  EXPECT_LE(grow.moves(), client_side_expected_moves(3, 3, 2, 1000, 0));

  std::vector<ServerLoad> shrunk = loads({200, 200, 200, 200, 200});
  shrunk[3].takes_clients = shrunk[4].takes_clients = false;
  RebalancePlan shrink = plan_rebalance(shrunk);
  EXPECT_EQ(shrink.moves(), 400u);
  EXPECT_LE(shrink.moves(), client_side_expected_moves(5, 3, 0, 600, 400));
  const auto& t = shrink.targets;
  EXPECT_LE(*std::max_element(t.begin(), t.begin() + 3) - *std::min_element(t.begin(), t.begin() + 3), 1u);

  // The clients on their own: the same number of moves on average, but an uneven result in any one run.
  uint32_t worst_spread = 0;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::vector<uint32_t> after = client_side_spread({334, 333, 333}, 3, 3, 2, seed);
    worst_spread = std::max(worst_spread, *std::max_element(after.begin(), after.end()) -
                                              *std::min_element(after.begin(), after.end()));
  }
  EXPECT_GT(worst_spread, 1u) << "the client-side algorithm is only even on average";
}

TEST(RebalancePlan, AServerBackFromTheDeadGetsItsShareFromTheOthersOnly) {
  // 300 sessions crowded onto two servers while the third was down; it is back.
  RebalancePlan plan = plan_rebalance(loads({150, 150, 0}));
  EXPECT_EQ(plan.targets, (std::vector<uint32_t>{100, 100, 100}));
  EXPECT_EQ(plan.moves_from, (std::vector<uint32_t>{50, 50, 0}));
  EXPECT_EQ(plan.moves_to, (std::vector<uint32_t>{0, 0, 100}));
}

}  // namespace
}  // namespace zkwire
