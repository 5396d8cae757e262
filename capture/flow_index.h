// An open-addressing hash map from FlowKey to a small value: one probe sequence in one array per packet.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "capture/flow_key.h"
#include "decoder/linear_probing.h"

namespace zkwire::capture {

// Every packet looks its connection up; a node-based map made that lookup a cache miss or two and was a
// tenth of reading a capture. Linear probing over a power-of-two array, at most half full; erasing shifts
// the following entries back, so there are no tombstones and a lookup stops at the first empty slot.
template <class Value>
class FlowIndex {
 public:
  FlowIndex() : slots_(kInitialSlots) {}

  Value* find(const FlowKey& key) {
    const uint64_t hash = FlowKeyHash{}(key);
    for (size_t i = hash & mask(); slots_[i].used; i = (i + 1) & mask()) {
      if (slots_[i].hash == hash && slots_[i].key == key) return &slots_[i].value;
    }
    return nullptr;
  }
  // Inserts or overwrites.
  void put(const FlowKey& key, const Value& value) {
    if (Value* existing = find(key)) {
      *existing = value;
      return;
    }
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(FlowKeyHash{}(key), key, value);
    ++size_;
  }
  bool erase(const FlowKey& key) {
    const uint64_t hash = FlowKeyHash{}(key);
    size_t hole = hash & mask();
    for (;; hole = (hole + 1) & mask()) {
      if (!slots_[hole].used) return false;
      if (slots_[hole].hash == hash && slots_[hole].key == key) break;
    }
    hole = close_probe_gap(
        slots_, mask(), hole, [](const Slot& s) { return s.used; },
        [this](const Slot& s) { return static_cast<size_t>(s.hash) & mask(); });
    slots_[hole].used = false;
    --size_;
    return true;
  }
  size_t size() const { return size_; }
  void clear() {
    slots_.assign(kInitialSlots, Slot{});
    size_ = 0;
  }

 private:
  static constexpr size_t kInitialSlots = 1024;
  struct Slot {
    FlowKey key;
    Value value{};
    uint64_t hash = 0;
    bool used = false;
  };
  size_t mask() const { return slots_.size() - 1; }
  void place(uint64_t hash, const FlowKey& key, const Value& value) {
    size_t i = hash & mask();
    while (slots_[i].used) i = (i + 1) & mask();
    slots_[i] = Slot{key, value, hash, true};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.used) place(s.hash, s.key, s.value);
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace zkwire::capture
