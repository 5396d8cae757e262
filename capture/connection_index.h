// Live connections found by a packet's two endpoints, in either order: the lookup every packet makes.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "capture/flow_types.h"
#include "decoder/linear_probing.h"

namespace zkwire::capture {

// An ordered FlowKey cost a packet two endpoint copies and a comparison before it could even be hashed. Here the
// hash adds one word per endpoint, so both directions hash alike as they come, and a hit is confirmed against the
// connection's own ends, which also says which side sent the packet. A slot is the hash and a handle (anything
// with `->ends[2]`), 16 bytes. Open addressing as in FlowIndex: linear probing, backward-shift
// erase; the home slot is taken from the hash's top bits, which every input bit reaches.
template <class Handle>
class ConnectionIndex {
 public:
  ConnectionIndex() : slots_(kInitialSlots) {}

  static uint64_t hash(const Endpoint& one, const Endpoint& other) {
    // Never zero: zero marks an empty slot. The low bit plays no part in the home slot.
    return ((word_of(one) + word_of(other)) * 0x9E3779B97F4A7C15ULL) | 1;
  }

  // The connection between `sender` and `receiver`, and which of its ends sent: 0 when `sender` is ends[0].
  Handle* find(const Endpoint& sender, const Endpoint& receiver, uint64_t hash, int& side) {
    for (size_t i = home(hash); slots_[i].hash != 0; i = (i + 1) & mask_) {
      if (slots_[i].hash != hash) continue;
      const auto& ends = slots_[i].handle->ends;
      if (ends[0] == sender && ends[1] == receiver) {
        side = 0;
        return &slots_[i].handle;
      }
      if (ends[0] == receiver && ends[1] == sender) {
        side = 1;
        return &slots_[i].handle;
      }
    }
    return nullptr;
  }
  // `handle` must not be in the index yet.
  void insert(const Handle& handle) {
    if ((size_ + 1) * kLoadDivisor > slots_.size()) grow();
    place(hash(handle->ends[0], handle->ends[1]), handle);
    ++size_;
  }
  bool erase(const Handle& handle) {
    const uint64_t h = hash(handle->ends[0], handle->ends[1]);
    size_t hole = home(h);
    for (;; hole = (hole + 1) & mask_) {
      if (slots_[hole].hash == 0) return false;
      if (slots_[hole].hash == h && slots_[hole].handle == handle) break;
    }
    hole = close_probe_gap(
        slots_, mask_, hole, [](const Slot& s) { return s.hash != 0; }, [this](const Slot& s) { return home(s.hash); });
    slots_[hole] = Slot{};
    --size_;
    return true;
  }
  size_t size() const { return size_; }
  void clear() {
    slots_.assign(kInitialSlots, Slot{});
    mask_ = kInitialSlots - 1;
    shift_ = 64 - std::countr_zero(kInitialSlots);
    size_ = 0;
  }

 private:
  static constexpr size_t kInitialSlots = 1024;
  // At most a quarter full: a hit is then nearly always in its home slot. 16 bytes a slot make that cheap.
  static constexpr size_t kLoadDivisor = 4;
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    Handle handle{};
  };
  // The address words, the port and the family folded into one word; the multiply in `hash` does the mixing.
  static uint64_t word_of(const Endpoint& e) {
    uint64_t words[2];
    std::memcpy(words, e.addr.data(), 16);
    return words[0] ^ std::rotl(words[1], 32) ^ (uint64_t{e.port} << 40) ^ (uint64_t{e.is_v6} << 63);
  }
  size_t home(uint64_t h) const { return static_cast<size_t>(h >> shift_); }
  void place(uint64_t h, const Handle& handle) {
    size_t i = home(h);
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{h, handle};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    --shift_;
    for (const Slot& s : old)
      if (s.hash != 0) place(s.hash, s.handle);
  }

  std::vector<Slot> slots_;
  size_t mask_ = kInitialSlots - 1;
  int shift_ = 64 - std::countr_zero(kInitialSlots);  // home slot = hash >> shift_
  size_t size_ = 0;
};

}  // namespace zkwire::capture
