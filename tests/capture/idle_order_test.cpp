// IdleOrder names the same oldest handle as a list kept in order of activity, with dead entries kept in bounds.
#include "capture/idle_order.h"

#include <gtest/gtest.h>

#include <deque>
#include <list>
#include <random>

#include "decoder/basics.h"

namespace zkwire::capture {
namespace {

struct Item {
  int id = 0;
  Timestamp last_seen;
  uint64_t touch = 0;
  uint32_t idle_slot = 0;
};

// Items stamped from one clock that only moves forward, as the flow table stamps its connections.
struct Clock {
  int64_t now = 0;
  uint64_t last_touch = 0;
  void stamp(Item& item) {
    item.last_seen.ns = now;
    item.touch = ++last_touch;
  }
};

TEST(IdleOrder, EqualTimesKeepTheOrderOfActivity) {
  std::deque<Item> items(4);
  IdleOrder<Item*> order;
  Clock clock;
  for (int i = 0; i < 4; ++i) {
    items[i].id = i;
    clock.stamp(items[i]);
    order.add(&items[i]);
  }
  clock.stamp(items[0]);  // same time, later activity: 1 is now the oldest
  EXPECT_EQ((*order.oldest())->id, 1);
  clock.stamp(items[1]);
  clock.stamp(items[2]);
  EXPECT_EQ((*order.oldest())->id, 3);
  order.remove(&items[3]);
  EXPECT_EQ((*order.oldest())->id, 0);
  EXPECT_FALSE(order.may_be_idle(0, 0));
  EXPECT_TRUE(order.may_be_idle(1, 0));
}

TEST(IdleOrder, AStaleTopIsNotIdleOnceItsConnectionHasBeenActive) {
  std::deque<Item> items(2);
  IdleOrder<Item*> order;
  Clock clock;
  clock.stamp(items[0]);
  order.add(&items[0]);
  clock.now = 100;
  clock.stamp(items[1]);
  order.add(&items[1]);
  clock.stamp(items[0]);
  EXPECT_TRUE(order.may_be_idle(150, 60));  // item 0's entry still says time 0
  EXPECT_EQ(*order.oldest(), &items[1]);    // both at 100, item 1 active first
  EXPECT_FALSE(order.may_be_idle(150, 60));
}

TEST(IdleOrder, AnEmptyOrderHasNoOldestAndNothingIdle) {
  IdleOrder<Item*> order;
  EXPECT_FALSE(order.oldest().has_value());
  EXPECT_FALSE(order.may_be_idle(1'000'000, 0));
  EXPECT_FALSE(order.earliest_seen_ns().has_value());
  Item item;
  order.add(&item);
  order.remove(&item);
  EXPECT_FALSE(order.oldest().has_value());
  EXPECT_EQ(order.size(), 0u);
}

// Random adds, activity and removals, against a list moved on every activity as the flow table once did.
TEST(IdleOrder, AgreesWithAListKeptInOrderOfActivity) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    std::deque<Item> storage;  // never shrinks: addresses stay valid
    std::list<Item*> by_age;   // the reference: least recently active first
    IdleOrder<Item*> order;
    Clock clock;
    for (int step = 0; step < 20'000; ++step) {
      clock.now += random() % 4 == 0 ? random() % 5 : 0;
      const uint32_t what = random() % 100;
      if (by_age.empty() || what < 25) {
        Item& item = storage.emplace_back();
        item.id = static_cast<int>(storage.size());
        clock.stamp(item);
        order.add(&item);
        by_age.push_back(&item);
      } else if (what < 75) {
        auto it = std::next(by_age.begin(), random() % by_age.size());
        clock.stamp(**it);
        by_age.splice(by_age.end(), by_age, it);
      } else if (what < 95) {
        auto it = std::next(by_age.begin(), random() % by_age.size());
        order.remove(*it);
        by_age.erase(it);
      } else {
        // Evict the oldest, as the idle sweep does.
        ASSERT_EQ(*order.oldest(), by_age.front()) << "seed " << seed << " step " << step;
        order.remove(by_age.front());
        by_age.pop_front();
      }
      ASSERT_EQ(order.size(), by_age.size());
      if (!by_age.empty()) {
        // Never a false "nothing idle": the oldest's own time bounds what the top may claim.
        const int64_t idle_ns = random() % 8;
        ASSERT_LE(*order.earliest_seen_ns(), by_age.front()->last_seen.ns);
        if (clock.now - by_age.front()->last_seen.ns > idle_ns) {
          ASSERT_TRUE(order.may_be_idle(clock.now, idle_ns));
        }
        if (random() % 8 == 0) {
          ASSERT_EQ(*order.oldest(), by_age.front()) << "seed " << seed << " step " << step;
        }
      }
      ASSERT_LE(order.entries() - order.size(), order.size() + 1024) << "dead entries pile up";
    }
  }
}

// Many short-lived handles next to a long-lived one: dead entries never reach the top, so a rebuild must drop them.
TEST(IdleOrder, DeadEntriesAreDroppedEvenWhenTheyNeverReachTheTop) {
  IdleOrder<Item*> order;
  Clock clock;
  Item old_one;
  clock.stamp(old_one);
  order.add(&old_one);
  std::deque<Item> storage;
  for (int i = 0; i < 100'000; ++i) {
    Item& item = storage.emplace_back();
    clock.stamp(item);
    order.add(&item);
    order.remove(&item);
    ASSERT_LE(order.entries(), 2 * order.size() + 1024);
  }
  EXPECT_EQ(*order.oldest(), &old_one);
}

}  // namespace
}  // namespace zkwire::capture
