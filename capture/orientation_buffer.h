// A flow's early bytes and gaps, kept in arrival order while its server side is unknown.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "decoder/basics.h"

namespace zkwire::capture {

class OrientationBuffer {
 public:
  // What happened on one side, in the order it happened; bytes live in that side's buffer.
  struct Event {
    uint8_t side = 0;  // 0 = A, 1 = B
    bool is_gap = false;
    uint64_t offset_or_missing = 0;  // offset into the side's bytes, or the gap's size
    size_t length = 0;
    Timestamp at;
  };

  explicit OrientationBuffer(size_t limit_per_side);

  void add_bytes(int side, std::span<const uint8_t> bytes, Timestamp at);
  void add_gap(int side, uint64_t missing_bytes, Timestamp at);

  // What a side sent before its first gap: the only bytes whose shape means anything.
  std::span<const uint8_t> first_bytes(int side) const;
  // Once a side has this much, waiting longer is not worth the memory.
  bool full() const;

  const std::vector<Event>& events() const { return events_; }
  std::span<const uint8_t> bytes_of(const Event& event) const;

 private:
  struct Side {
    std::vector<uint8_t> bytes;
    size_t before_first_gap = 0;
    bool gap_seen = false;
  };
  size_t limit_per_side_;
  Side sides_[2];
  std::vector<Event> events_;
};

}  // namespace zkwire::capture
