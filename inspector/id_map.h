// Values found by a 64-bit id (a connection's), each allocated once and never moved while it lives.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "decoder/linear_probing.h"

namespace zkwire {

// A lookup in std::unordered_map walks bucket -> the node before -> the node: up to three dependent cache misses,
// and records of many connections interleave in a capture, so most lookups miss. Here a lookup probes one slot
// (the id and the value's address, 16 bytes, in an array at most a quarter full) and then touches the value.
// Linear probing, backward-shift erase, as in capture::ConnectionIndex.
template <class T>
class IdMap {
 public:
  IdMap() : slots_(kInitialSlots) {}
  ~IdMap() { clear(); }
  IdMap(const IdMap&) = delete;
  IdMap& operator=(const IdMap&) = delete;

  T* find(uint64_t id) const {
    for (size_t i = home(id); slots_[i].value; i = (i + 1) & mask_)
      if (slots_[i].id == id) return slots_[i].value;
    return nullptr;
  }
  // The value for `id`, made (value-initialized) when there is none.
  T& emplace(uint64_t id) {
    if (T* found = find(id)) return *found;
    if ((size_ + 1) * kLoadDivisor > slots_.size()) grow();
    auto made = std::make_unique<T>();
    T* value = made.get();
    place(id, made.release());
    ++size_;
    return *value;
  }
  bool erase(uint64_t id) {
    size_t hole = home(id);
    for (;; hole = (hole + 1) & mask_) {
      if (!slots_[hole].value) return false;
      if (slots_[hole].id == id) break;
    }
    delete slots_[hole].value;
    hole = close_probe_gap(
        slots_, mask_, hole, [](const Slot& s) { return s.value != nullptr; },
        [this](const Slot& s) { return home(s.id); });
    slots_[hole] = Slot{};
    --size_;
    return true;
  }
  size_t size() const { return size_; }
  void clear() {
    for (Slot& s : slots_) delete s.value;
    slots_.assign(kInitialSlots, Slot{});
    mask_ = kInitialSlots - 1;
    shift_ = 64 - std::countr_zero(kInitialSlots);
    size_ = 0;
  }
  // Every value, in no particular order; `f(uint64_t id, T& value)`. The map must not change meanwhile.
  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.value) f(s.id, *s.value);
  }

 private:
  static constexpr size_t kInitialSlots = 256;
  static constexpr size_t kLoadDivisor = 4;  // at most a quarter full: a hit is nearly always in its home slot
  struct Slot {
    uint64_t id = 0;
    T* value = nullptr;  // owned; null: an empty slot
  };
  // Ids are often consecutive: the multiply spreads them, the top bits (which every id bit reaches) pick the slot.
  size_t home(uint64_t id) const { return static_cast<size_t>((id * 0x9E3779B97F4A7C15ULL) >> shift_); }
  void place(uint64_t id, T* value) {
    size_t i = home(id);
    while (slots_[i].value) i = (i + 1) & mask_;
    slots_[i] = Slot{id, value};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    for (const Slot& s : old)
      if (s.value) place(s.id, s.value);
  }

  std::vector<Slot> slots_;
  size_t mask_ = kInitialSlots - 1;
  int shift_ = 64 - std::countr_zero(kInitialSlots);  // home slot = (id * constant) >> shift_
  size_t size_ = 0;
};

}  // namespace zkwire
