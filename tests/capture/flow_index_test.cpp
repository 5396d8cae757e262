// The flow index agrees with a std::map through inserts, overwrites and erases, growth and wrap-around.
#include "capture/flow_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace zkwire::capture {
namespace {

FlowKey key_of(uint32_t n) {
  Endpoint client, server;
  client.addr = {10, static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  client.port = static_cast<uint16_t>(40000 + n % 20000);
  server.addr = {10, 0, 0, 1};
  server.port = 2181;
  return FlowKey::between(client, server);
}

TEST(FlowIndex, AgreesWithAMapThroughEveryChange) {
  FlowIndex<int> index;
  std::map<uint32_t, int> reference;
  std::mt19937 random(11);
  for (int step = 0; step < 200000; ++step) {
    const uint32_t n = random() % 3000;  // few enough keys that probe runs collide and wrap
    switch (random() % 3) {
      case 0:
        index.put(key_of(n), step);
        reference[n] = step;
        break;
      case 1:
        EXPECT_EQ(index.erase(key_of(n)), reference.erase(n) == 1);
        break;
      default: {
        const int* found = index.find(key_of(n));
        auto expected = reference.find(n);
        ASSERT_EQ(found != nullptr, expected != reference.end()) << "key " << n << " at step " << step;
        if (found) {
          EXPECT_EQ(*found, expected->second);
        }
      }
    }
    ASSERT_EQ(index.size(), reference.size());
  }
  for (const auto& [n, value] : reference) ASSERT_NE(index.find(key_of(n)), nullptr);
  index.clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.find(key_of(reference.begin()->first)), nullptr);
}

}  // namespace
}  // namespace zkwire::capture
