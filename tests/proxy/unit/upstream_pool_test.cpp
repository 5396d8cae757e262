// The upstream pool's order for a new client: policy within ranks of health, avoid_leader, ejection rules.
#include <gtest/gtest.h>

#include "proxy/upstream_pool.h"

namespace zkwire {
namespace {

constexpr Timestamp kNow{1'000'000'000'000};

UpstreamPool pool_of(size_t n, PoolOptions options = {}) {
  std::vector<ServerSpec> servers;
  std::string error;
  for (size_t i = 0; i < n; ++i) servers.push_back({*resolve_address("127.0.0.1:" + std::to_string(2181 + i), error)});
  return UpstreamPool(std::move(servers), options);
}

HealthReport serving(ServerMode mode) { return {Health::serving, mode, 5, ""}; }

TEST(UpstreamPool, AvoidLeaderPutsTheLeaderBehindEveryServingFollower) {
  PoolOptions options;
  options.avoid_leader = true;
  UpstreamPool pool = pool_of(3, options);
  pool.checked(0, serving(ServerMode::leader), kNow);
  pool.checked(1, serving(ServerMode::follower), kNow);
  pool.checked(2, serving(ServerMode::follower), kNow);
  EXPECT_EQ(pool.order_for_new_client(kNow), (std::vector<size_t>{1, 2, 0}));
  // Without the option the leader is a server like the others (least connections, ties to the first listed).
  options.avoid_leader = false;
  pool.set_options(options);
  EXPECT_EQ(pool.order_for_new_client(kNow), (std::vector<size_t>{0, 1, 2}));
}

TEST(UpstreamPool, TheLeaderIsStillOfferedWhenNoFollowerServes) {
  PoolOptions options;
  options.avoid_leader = true;
  options.failure_limit = 1;
  UpstreamPool pool = pool_of(3, options);
  pool.checked(0, serving(ServerMode::leader), kNow);
  pool.checked(1, {Health::unreachable, ServerMode::unknown, -1, "refused"}, kNow);  // ejected
  pool.checked(2, {Health::not_serving, ServerMode::unknown, -1, "not serving"}, kNow);  // ejected
  EXPECT_EQ(pool.order_for_new_client(kNow).front(), 0u);
}

TEST(UpstreamPool, ReadOnlyAndFailingServersComeAfterServingOnes) {
  PoolOptions options;
  options.failure_limit = 5;  // not ejected yet: the rank alone keeps clients away
  UpstreamPool pool = pool_of(3, options);
  pool.checked(0, {Health::unreachable, ServerMode::unknown, -1, "timeout"}, kNow);
  pool.checked(1, {Health::read_only, ServerMode::read_only, 5, ""}, kNow);
  pool.checked(2, serving(ServerMode::follower), kNow);
  EXPECT_EQ(pool.order_for_new_client(kNow), (std::vector<size_t>{2, 1, 0}));
}

TEST(UpstreamPool, FailedChecksEjectAndAnAnswerBringsTheServerBack) {
  UpstreamPool pool = pool_of(2);  // failure_limit 3
  for (int i = 0; i < 3; ++i) pool.checked(0, {Health::unreachable, ServerMode::unknown, -1, "refused"}, kNow);
  EXPECT_EQ(pool.servers()[0].state, UpstreamState::ejected);
  EXPECT_EQ(pool.servers()[0].check_failures_total, 3u);
  EXPECT_EQ(pool.servers()[0].failures_total, 0u);  // connection attempts only
  EXPECT_EQ(pool.servers()[0].connections, 0u);  // a check is not a client connection
  pool.checked(0, serving(ServerMode::follower), kNow);
  EXPECT_EQ(pool.servers()[0].state, UpstreamState::up);
  EXPECT_EQ(pool.servers()[0].consecutive_failures, 0u);
}

// A server that accepts every connection and answers none: each accept must not wipe its failures out.
TEST(UpstreamPool, HandshakeTimeoutsEjectAServerThatOnlyAccepts) {
  UpstreamPool pool = pool_of(2);
  for (int i = 0; i < 3; ++i) {
    pool.attempting(0);
    pool.connected(0);
    pool.handshake_timed_out(0, kNow);
  }
  const Upstream& u = pool.servers()[0];
  EXPECT_EQ(u.state, UpstreamState::ejected);
  EXPECT_EQ(u.handshake_timeouts_total, 3u);
  EXPECT_EQ(u.failures_total, 3u);
  EXPECT_EQ(u.connections, 0u);
  EXPECT_EQ(pool.order_for_new_client(kNow), (std::vector<size_t>{1, 0}));
}

TEST(UpstreamPool, ForgettingHealthLeavesEveryServerUnchecked) {
  UpstreamPool pool = pool_of(1);
  pool.checked(0, serving(ServerMode::leader), kNow);
  pool.forget_health();
  EXPECT_EQ(pool.servers()[0].health, Health::unchecked);
  EXPECT_EQ(pool.servers()[0].mode, ServerMode::unknown);
  EXPECT_EQ(pool.servers()[0].zxid, -1);
}

}  // namespace
}  // namespace zkwire
