// IdMap against std::unordered_map: the same answers through inserts, lookups, erasures, growth and wrap-around.
#include "inspector/id_map.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace zkwire {
namespace {

struct Value {
  uint64_t id = 0;
  int touched = 0;
};

// Checks every key the model knows, and some it does not, against the map.
void expect_same(const IdMap<Value>& map, const std::unordered_map<uint64_t, Value*>& model, uint64_t key_space) {
  ASSERT_EQ(map.size(), model.size());
  for (uint64_t id = 0; id < key_space; ++id) {
    auto it = model.find(id);
    if (it == model.end()) {
      EXPECT_EQ(map.find(id), nullptr) << id;
    } else {
      EXPECT_EQ(map.find(id), it->second) << id << ": the value moved or was lost";
    }
  }
}

TEST(IdMap, MatchesAHashMapThroughRandomInsertsAndErasures) {
  // Keys from a small space collide in home slots and wrap around the slot array; thousands force several growths.
  for (uint64_t key_space : {uint64_t{64}, uint64_t{5000}}) {
    IdMap<Value> map;
    std::unordered_map<uint64_t, Value*> model;
    std::mt19937_64 random(key_space);
    for (int step = 0; step < 20000; ++step) {
      const uint64_t id = random() % key_space;
      if (random() % 3 != 0) {
        Value& v = map.emplace(id);
        if (auto it = model.find(id); it != model.end()) {
          EXPECT_EQ(&v, it->second) << "emplace on a present id must return its value";
        } else {
          EXPECT_EQ(v.touched, 0) << "a new value starts value-initialized";
          model[id] = &v;
        }
        v.id = id;
        ++v.touched;
      } else {
        EXPECT_EQ(map.erase(id), model.erase(id) == 1) << id;
      }
      if (step % 997 == 0) expect_same(map, model, key_space);
    }
    expect_same(map, model, key_space);
    size_t visited = 0;
    map.for_each([&](uint64_t id, Value& v) {
      EXPECT_EQ(v.id, id);
      ++visited;
    });
    EXPECT_EQ(visited, model.size());
  }
}

TEST(IdMap, ConsecutiveIdsAsConnectionsComeAndGo) {
  // How a capture or the proxy numbers connections: ever higher ids, a window of them alive at once.
  IdMap<Value> map;
  for (uint64_t id = 1; id <= 100000; ++id) {
    map.emplace(id).id = id;
    if (id > 300) {
      ASSERT_TRUE(map.erase(id - 300));
    }
  }
  EXPECT_EQ(map.size(), 300u);
  for (uint64_t id = 99701; id <= 100000; ++id) ASSERT_NE(map.find(id), nullptr);
  EXPECT_EQ(map.find(99700), nullptr);
  EXPECT_FALSE(map.erase(5));
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.find(100000), nullptr);
}

}  // namespace
}  // namespace zkwire
