// Reading /zookeeper/config: the real server's text, and every way a line can name (or not name) its client.
#include "proxy/ensemble_config.h"

#include <gtest/gtest.h>

namespace zkwire {
namespace {

std::vector<std::string> clients_of(const EnsembleConfig& c) {
  std::vector<std::string> out;
  for (const auto& m : c.members) out.push_back(m.client_address);
  return out;
}

TEST(EnsembleConfig, TheTextOfARealThreeNodeEnsemble) {
  // As Debian's zookeeper 3.8.0 serves it (docs: ZK_PROTOCOL.md 11.4); no newline after the version.
  const auto c = parse_ensemble_config(
      "server.1=127.0.0.1:50715:59635:participant;127.0.0.1:41359\n"
      "server.2=127.0.0.1:59155:37665:participant;127.0.0.1:43343\n"
      "server.3=127.0.0.1:34163:37251:participant;127.0.0.1:45927\n"
      "version=0");
  EXPECT_TRUE(c.problems.empty());
  EXPECT_EQ(c.version, "0");
  EXPECT_EQ(clients_of(c), (std::vector<std::string>{"127.0.0.1:41359", "127.0.0.1:43343", "127.0.0.1:45927"}));
  EXPECT_EQ(c.members[2].id, 3);
  EXPECT_EQ(c.members[2].role, "participant");
}

TEST(EnsembleConfig, AWildcardOrMissingClientHostMeansTheMembersOwnHost) {
  const auto c = parse_ensemble_config(
      "server.1=zk1.example:2888:3888:participant;0.0.0.0:2181\n"
      "server.2=zk2.example:2888:3888;2182\n"
      "server.3=[fd00::3]:2888:3888:observer;[::]:2183\n"
      "server.4=[fd00::4]:2888:3888:participant;[fd00::40]:2184\n"
      "version=10000000a\n");
  EXPECT_TRUE(c.problems.empty()) << c.problems[0];
  EXPECT_EQ(clients_of(c), (std::vector<std::string>{"zk1.example:2181", "zk2.example:2182", "[fd00::3]:2183",
                                                     "[fd00::40]:2184"}));
  EXPECT_EQ(c.members[1].role, "participant");
  EXPECT_EQ(c.members[2].role, "observer");
  EXPECT_EQ(c.version, "10000000a");
}

TEST(EnsembleConfig, SeveralQuorumAddressesAndHierarchicalLines) {
  const auto c = parse_ensemble_config(
      "server.1=10.0.0.1:2888:3888|10.1.0.1:2888:3888:participant;10.0.0.1:2181\n"
      "group.1=1\nweight.1=1\nversion=1\n");
  EXPECT_TRUE(c.problems.empty());
  ASSERT_EQ(c.members.size(), 1u);
  EXPECT_EQ(c.members[0].quorum_host, "10.0.0.1");
  EXPECT_EQ(c.members[0].client_address, "10.0.0.1:2181");
}

TEST(EnsembleConfig, NoClientPartLeavesTheAddressEmptyForTheCallerToDecide) {
  const auto c = parse_ensemble_config("server.7=10.0.0.7:2888:3888:participant\n");
  ASSERT_EQ(c.members.size(), 1u);
  EXPECT_EQ(c.members[0].client_address, "");
}

TEST(EnsembleConfig, BadLinesAreReportedWithTheirNumberAndTheRestIsRead) {
  const auto c = parse_ensemble_config(
      "server.1=10.0.0.1:2888:3888:participant;10.0.0.1:2181\n"
      "server.x=10.0.0.2:2888:3888\n"
      "server.3=10.0.0.3:2888:3888;10.0.0.3:99999\n"
      "clientPort=2181\n"
      "server.5=10.0.0.5:2888:3888;10.0.0.5:2185\n");
  EXPECT_EQ(clients_of(c), (std::vector<std::string>{"10.0.0.1:2181", "10.0.0.5:2185"}));
  ASSERT_EQ(c.problems.size(), 3u);
  EXPECT_EQ(c.problems[0], "line 2: expected server.<id>=: server.x=10.0.0.2:2888:3888");
  EXPECT_EQ(c.problems[1].substr(0, 8), "line 3: ");
  EXPECT_EQ(c.problems[2].substr(0, 8), "line 4: ");
}

TEST(EnsembleConfig, AStandaloneServersEmptyNodeHasNoMembers) {
  const auto c = parse_ensemble_config("");
  EXPECT_TRUE(c.members.empty());
  EXPECT_TRUE(c.problems.empty());
}

}  // namespace
}  // namespace zkwire
