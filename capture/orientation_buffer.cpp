// Recording and handing back a flow's bytes from before its orientation was known.
#include "capture/orientation_buffer.h"

namespace zkwire::capture {

OrientationBuffer::OrientationBuffer(size_t limit_per_side) : limit_per_side_(limit_per_side) {}

void OrientationBuffer::add_bytes(int side, std::span<const uint8_t> bytes, Timestamp at) {
  Side& s = sides_[side];
  events_.push_back({static_cast<uint8_t>(side), false, s.bytes.size(), bytes.size(), at});
  s.bytes.insert(s.bytes.end(), bytes.begin(), bytes.end());
  if (!s.gap_seen) s.before_first_gap = s.bytes.size();
}

void OrientationBuffer::add_gap(int side, uint64_t missing_bytes, Timestamp at) {
  sides_[side].gap_seen = true;
  events_.push_back({static_cast<uint8_t>(side), true, missing_bytes, 0, at});
}

std::span<const uint8_t> OrientationBuffer::first_bytes(int side) const {
  const Side& s = sides_[side];
  return std::span<const uint8_t>(s.bytes).first(s.before_first_gap);
}

bool OrientationBuffer::full() const {
  return sides_[0].bytes.size() >= limit_per_side_ || sides_[1].bytes.size() >= limit_per_side_;
}

std::span<const uint8_t> OrientationBuffer::bytes_of(const Event& event) const {
  return std::span<const uint8_t>(sides_[event.side].bytes).subspan(event.offset_or_missing,
                                                                     event.length);
}

}  // namespace zkwire::capture
