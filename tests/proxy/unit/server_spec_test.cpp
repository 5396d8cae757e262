// Server list entries: host:port with an optional @weight, read the same from config, flag and POST /servers.
#include "proxy/server_spec.h"

#include <gtest/gtest.h>

namespace zkwire {
namespace {

TEST(ServerSpec, AWeightAfterTheAddressAndOneByDefault) {
  std::string error;
  auto plain = parse_server_spec("127.0.0.1:2181", error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(plain->address.text, "127.0.0.1:2181");
  EXPECT_EQ(plain->weight, 1.0);
  auto weighted = parse_server_spec("[::1]:2182@2.5", error);
  ASSERT_TRUE(weighted) << error;
  EXPECT_EQ(weighted->address.text, "[::1]:2182");
  EXPECT_EQ(weighted->weight, 2.5);
  auto drained = parse_server_spec("127.0.0.1:2183@0", error);
  ASSERT_TRUE(drained) << error;
  EXPECT_EQ(drained->weight, 0.0);
}

TEST(ServerSpec, BadWeightsAndRepeatedServersAreRefusedWithTheEntry) {
  std::string error;
  EXPECT_FALSE(parse_server_spec("127.0.0.1:2181@heavy", error));
  EXPECT_EQ(error, "'127.0.0.1:2181@heavy': the weight after '@' must be a number from 0 to 1000");
  EXPECT_FALSE(parse_server_spec("127.0.0.1:2181@-1", error));
  EXPECT_FALSE(parse_server_list({"127.0.0.1:2181", "127.0.0.1:2181@3"}, error));
  EXPECT_EQ(error, "'127.0.0.1:2181@3' is listed twice");
  EXPECT_FALSE(parse_server_list({"127.0.0.1:2181", "no-port"}, error));
}

}  // namespace
}  // namespace zkwire
