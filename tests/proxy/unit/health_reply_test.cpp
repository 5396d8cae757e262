// Reading srvr and ruok replies as ZooKeeper 3.8 writes them (ZK_PROTOCOL.md 1.4).
#include <gtest/gtest.h>

#include "proxy/health_reply.h"

namespace zkwire {
namespace {

// A leader's srvr reply, as Debian's ZooKeeper 3.8.0 sends it.
constexpr std::string_view kLeaderSrvr =
    "Zookeeper version: 3.8.0-debian--1, built on 2023-01-01 00:00 UTC\n"
    "Latency min/avg/max: 0/0.5/3\n"
    "Received: 42\n"
    "Sent: 41\n"
    "Connections: 1\n"
    "Outstanding: 0\n"
    "Zxid: 0x100000007\n"
    "Mode: leader\n"
    "Node count: 5\n"
    "Proposal sizes last/min/max: 48/48/120\n";

TEST(HealthReply, SrvrGivesTheModeAndTheZxid) {
  HealthReport r = read_health_reply(HealthCheck::srvr, kLeaderSrvr);
  EXPECT_EQ(r.health, Health::serving);
  EXPECT_EQ(r.mode, ServerMode::leader);
  EXPECT_EQ(r.zxid, 0x100000007);
  EXPECT_EQ(r.detail, "");
}

TEST(HealthReply, EveryModeByItsOwnName) {
  for (ServerMode mode : all_server_modes()) {
    if (mode == ServerMode::unknown) continue;
    std::string reply = "Zxid: 0x0\nMode: " + std::string(server_mode_name(mode)) + "\nNode count: 5\n";
    HealthReport r = read_health_reply(HealthCheck::srvr, reply);
    EXPECT_EQ(r.mode, mode) << reply;
    EXPECT_EQ(r.health, mode == ServerMode::read_only ? Health::read_only : Health::serving) << reply;
  }
}

TEST(HealthReply, NotServingIsAFailure) {
  HealthReport r = read_health_reply(HealthCheck::srvr, "This ZooKeeper instance is not currently serving requests\n");
  EXPECT_EQ(r.health, Health::not_serving);
  EXPECT_TRUE(health_failed(r.health));
  EXPECT_EQ(r.mode, ServerMode::unknown);
  EXPECT_EQ(read_health_reply(HealthCheck::ruok, "This ZooKeeper instance is not currently serving requests").health,
            Health::not_serving);
}

TEST(HealthReply, NoAnswerOrAStrangeOneFails) {
  EXPECT_EQ(read_health_reply(HealthCheck::srvr, "").health, Health::unreachable);
  HealthReport r = read_health_reply(HealthCheck::srvr, "HTTP/1.1 400 Bad Request\r\n\r\n");
  EXPECT_EQ(r.health, Health::not_serving);
  EXPECT_NE(r.detail.find("HTTP/1.1 400"), std::string::npos) << r.detail;
  EXPECT_EQ(read_health_reply(HealthCheck::ruok, "imno").health, Health::not_serving);
}

TEST(HealthReply, RuokSaysAliveOnly) {
  HealthReport r = read_health_reply(HealthCheck::ruok, "imok");
  EXPECT_EQ(r.health, Health::serving);
  EXPECT_EQ(r.mode, ServerMode::unknown);
  EXPECT_EQ(r.zxid, -1);
}

// The default whitelist has srvr only: a ruok check then learns that the server lives, and says why no more.
TEST(HealthReply, AWordOffTheWhitelistStillMeansAlive) {
  HealthReport r = read_health_reply(HealthCheck::ruok, "ruok is not executed because it is not in the whitelist.\n");
  EXPECT_EQ(r.health, Health::serving);
  EXPECT_NE(r.detail.find("whitelist"), std::string::npos);
}

TEST(HealthReply, CarriageReturnsAndAMissingZxidAreTolerated) {
  HealthReport r = read_health_reply(HealthCheck::srvr, "Mode: follower\r\nZxid: 0xnope\r\n");
  EXPECT_EQ(r.mode, ServerMode::follower);
  EXPECT_EQ(r.zxid, -1);
}

}  // namespace
}  // namespace zkwire
