// A value per opcode in an ordered map, with the ordinary opcodes reached through an array instead of a lookup.
#pragma once
#include <array>
#include <cstdint>
#include <map>

namespace zkwire {

// The summary counts every request and times every reply by op: a map lookup per record was a measurable
// part of summarizing a capture. The map stays the one place values live, so output order is unchanged.
template <class T>
class PerOp {
 public:
  PerOp() = default;
  PerOp(const PerOp&) = delete;  // the array points into the map
  PerOp& operator=(const PerOp&) = delete;

  T& operator[](int32_t op) {
    if (op < kLowest || op >= kLowest + kSlots) return by_op_[op];
    T*& slot = slots_[static_cast<size_t>(op - kLowest)];
    if (!slot) slot = &by_op_[op];
    return *slot;
  }
  const std::map<int32_t, T>& by_op() const { return by_op_; }

 private:
  static constexpr int32_t kLowest = -16, kSlots = 144;  // every opcode of ZooKeeper 3.9, with room
  std::map<int32_t, T> by_op_;
  std::array<T*, kSlots> slots_{};
};

}  // namespace zkwire
