// Finding the segments a test wants to perturb: by the ZooKeeper frame that starts them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "tests/reassembly/segment_list.h"

namespace zkwire::reassembly_testing {

inline constexpr uint16_t kServerPort = 2181;

inline int32_t be32_at(const std::string& bytes, size_t at) {
  return static_cast<int32_t>(uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
                              uint32_t(uint8_t(bytes[at + 2])) << 8 | uint32_t(uint8_t(bytes[at + 3])));
}

// The header of the frame a segment starts with: length, xid, and the op (requests only).
struct FrameStart {
  int32_t length = 0;
  int32_t xid = 0;
  int32_t op = 0;
};
inline std::optional<FrameStart> frame_start(const Segment& s) {
  if (s.payload.size() < 12) return std::nullopt;
  return FrameStart{be32_at(s.payload, 0), be32_at(s.payload, 4), be32_at(s.payload, 8)};
}

inline bool from_client(const Segment& s) { return s.dport == kServerPort; }

// Index of the first segment for which `pred` holds; the test fails when there is none.
inline size_t index_where(const Segments& all, const std::function<bool(const Segment&)>& pred) {
  for (size_t i = 0; i < all.size(); ++i) {
    if (pred(all[i])) return i;
  }
  ADD_FAILURE() << "no such segment";
  return all.size() - 1;
}

// The client segment that starts with the request `xid` (the real captures send each small request whole).
inline size_t request_segment(const Segments& all, int32_t xid) {
  return index_where(all, [xid](const Segment& s) {
    auto f = frame_start(s);
    return from_client(s) && f && f->xid == xid;
  });
}

// The server segment that starts with the reply to `xid`.
inline size_t reply_segment(const Segments& all, int32_t xid) {
  return index_where(all, [xid](const Segment& s) {
    auto f = frame_start(s);
    return !from_client(s) && f && f->xid == xid;
  });
}

}  // namespace zkwire::reassembly_testing
