// Moves follow the plan's counts, spread over the servers short of their share, at the configured pace.
#include "proxy/session_moves.h"

#include <gtest/gtest.h>

namespace zkwire {
namespace {

Timestamp at_ms(int64_t ms) { return {1'700'000'000'000'000'000 + ms * 1'000'000}; }

RebalancePlan plan_for(std::vector<uint32_t> from, std::vector<uint32_t> to) {
  RebalancePlan plan;
  plan.moves_from = std::move(from);
  plan.moves_to = std::move(to);
  plan.targets.assign(plan.moves_from.size(), 0);
  return plan;
}

std::vector<MoveCandidate> sessions_on(size_t server, int64_t first, int n) {
  std::vector<MoveCandidate> out;
  for (int i = 0; i < n; ++i) out.push_back({static_cast<uint64_t>(first + i), first + i, server});
  return out;
}

TEST(SessionMoves, TakeOnlyWhatThePlanSaysFromEachServerAndSpreadTheArrivals) {
  SessionMoves moves(1000, 1000, 30'000);
  auto candidates = sessions_on(0, 100, 10);
  auto more = sessions_on(1, 200, 10);
  candidates.insert(candidates.end(), more.begin(), more.end());
  const auto chosen = moves.choose(plan_for({3, 1, 0, 0}, {0, 0, 2, 2}), candidates, at_ms(0));
  ASSERT_EQ(chosen.size(), 4u);
  std::vector<int> from(4), to(4);
  for (const auto& m : chosen) ++from[m.from], ++to[m.to];
  EXPECT_EQ(from, (std::vector<int>{3, 1, 0, 0}));
  EXPECT_EQ(to, (std::vector<int>{0, 0, 2, 2}));
  EXPECT_EQ(moves.inbound(4), (std::vector<uint32_t>{0, 0, 2, 2}));
}

TEST(SessionMoves, AReconnectingSessionIsRoutedToItsTargetUntilItArrives) {
  SessionMoves moves(1000, 1000, 30'000);
  const auto chosen = moves.choose(plan_for({1, 0}, {0, 1}), sessions_on(0, 7, 1), at_ms(0));
  ASSERT_EQ(chosen.size(), 1u);
  EXPECT_EQ(moves.target_of(7), 1u);
  EXPECT_EQ(moves.target_of(8), std::nullopt);
  moves.arrived(7);
  EXPECT_EQ(moves.target_of(7), std::nullopt);
}

TEST(SessionMoves, APaceOfTenPerSecondWithABurstOfFive) {
  SessionMoves moves(10, 5, 30'000);
  const auto plan = plan_for({100, 0}, {0, 100});
  auto candidates = sessions_on(0, 1, 100);
  EXPECT_EQ(moves.choose(plan, candidates, at_ms(0)).size(), 5u);
  EXPECT_EQ(moves.choose(plan, candidates, at_ms(100)).size(), 1u);
  EXPECT_EQ(moves.choose(plan, candidates, at_ms(1100)).size(), 5u) << "the bucket holds no more than the burst";
}

TEST(SessionMoves, AClientThatNeverComesBackIsGivenUpOn) {
  SessionMoves moves(1000, 1000, 30'000);
  moves.choose(plan_for({1, 0}, {0, 1}), sessions_on(0, 7, 1), at_ms(0));
  moves.forget_expired(at_ms(29'000));
  EXPECT_EQ(moves.under_way(), 1u);
  moves.forget_expired(at_ms(30'000));
  EXPECT_EQ(moves.under_way(), 0u);
}

TEST(SessionMoves, ASessionAlreadyMovingIsNotChosenTwice) {
  SessionMoves moves(1000, 1000, 30'000);
  const auto plan = plan_for({1, 0}, {0, 1});
  EXPECT_EQ(moves.choose(plan, sessions_on(0, 7, 1), at_ms(0)).size(), 1u);
  EXPECT_EQ(moves.choose(plan, sessions_on(0, 7, 1), at_ms(10)).size(), 0u);
}

}  // namespace
}  // namespace zkwire
