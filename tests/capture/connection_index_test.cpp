// The connection index agrees with a map keyed by the unordered endpoint pair, and names the sending side.
#include "capture/connection_index.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <utility>

namespace zkwire::capture {
namespace {

struct Ends {
  Endpoint ends[2];
};

Endpoint v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Endpoint e;
  e.addr = {a, b, c, d};
  e.port = port;
  return e;
}

Endpoint v6(uint16_t last, uint16_t port) {
  Endpoint e;
  e.addr = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<uint8_t>(last >> 8), static_cast<uint8_t>(last)};
  e.is_v6 = true;
  e.port = port;
  return e;
}

// Connection n: few enough that probe runs collide and wrap; the odd ones swap the ports of their even neighbour,
// which the hash cannot tell apart, and every fifth is IPv6 with the same numbers.
Ends connection(uint32_t n) {
  const uint32_t base = n / 2;
  uint16_t client_port = static_cast<uint16_t>(40000 + base % 300), server_port = 2181;
  if (n % 2 == 1) std::swap(client_port, server_port);
  if (base % 5 == 0) return {{v6(static_cast<uint16_t>(base), client_port), v6(1, server_port)}};
  return {{v4(10, 1, static_cast<uint8_t>(base >> 8), static_cast<uint8_t>(base), client_port),
           v4(10, 0, 0, 1, server_port)}};
}

TEST(ConnectionIndex, AgreesWithAMapThroughEveryChangeAndNamesTheSender) {
  ConnectionIndex<const Ends*> index;
  std::map<uint32_t, const Ends*> reference;
  std::deque<Ends> storage;  // handles stay put
  std::mt19937 random(7);
  for (int step = 0; step < 200000; ++step) {
    const uint32_t n = random() % 4000;
    const Ends wanted = connection(n);
    switch (random() % 3) {
      case 0:
        if (!reference.contains(n)) {
          storage.push_back(wanted);
          index.insert(&storage.back());
          reference[n] = &storage.back();
        }
        break;
      case 1: {
        const auto found = reference.find(n);
        if (found != reference.end()) {
          ASSERT_TRUE(index.erase(found->second));
          reference.erase(found);
        } else {
          storage.push_back(wanted);
          EXPECT_FALSE(index.erase(&storage.back()));
        }
        break;
      }
      default: {
        const auto expected = reference.find(n);
        for (int sender = 0; sender < 2; ++sender) {
          const Endpoint& from = wanted.ends[sender];
          const Endpoint& to = wanted.ends[1 - sender];
          int side = -1;
          const Ends* const* found = index.find(from, to, index.hash(from, to), side);
          ASSERT_EQ(found != nullptr, expected != reference.end()) << "connection " << n << " at step " << step;
          if (found) {
            EXPECT_EQ(*found, expected->second);
            EXPECT_EQ(side, sender);
          }
        }
      }
    }
    ASSERT_EQ(index.size(), reference.size());
  }
  index.clear();
  EXPECT_EQ(index.size(), 0u);
  const Ends any = connection(2);
  int side = -1;
  EXPECT_EQ(index.find(any.ends[0], any.ends[1], index.hash(any.ends[0], any.ends[1]), side), nullptr);
}

TEST(ConnectionIndex, BothDirectionsHashAlike) {
  const Endpoint a = v4(127, 0, 0, 2, 39302), b = v4(127, 0, 0, 1, 2181);
  EXPECT_EQ(ConnectionIndex<const Ends*>::hash(a, b), ConnectionIndex<const Ends*>::hash(b, a));
  EXPECT_NE(ConnectionIndex<const Ends*>::hash(a, b), 0u);
}

TEST(ConnectionIndex, AConnectionFromAnEndpointToItselfIsFoundAsSideZero) {
  ConnectionIndex<const Ends*> index;
  const Ends self{{v4(10, 0, 0, 1, 2181), v4(10, 0, 0, 1, 2181)}};
  index.insert(&self);
  int side = -1;
  ASSERT_NE(index.find(self.ends[0], self.ends[1], index.hash(self.ends[0], self.ends[1]), side), nullptr);
  EXPECT_EQ(side, 0);
}

}  // namespace
}  // namespace zkwire::capture
