// A synthetic but realistic client connection for the benchmarks: a read-heavy mix built by the frame builder.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "decoder/basics.h"

namespace zkwire::bench {

// One read() worth of bytes, as the decoder would be fed it.
struct Feed {
  Direction dir;
  std::span<const uint8_t> bytes;
};

struct Workload {
  std::vector<std::vector<uint8_t>> segments;  // owns the bytes the feeds point into
  std::vector<Feed> feeds;
  uint64_t frames = 0;  // handshake, requests, replies and notifications
  uint64_t bytes = 0;
};

// `ops` requests with their replies (and the notifications their watches cause), pipelined `batch` at a
// time: the client's batch is one segment, then the server's. Segments are cut into feeds of at most
// `max_feed` bytes, so with a small max_feed frames straddle feeds.
Workload make_workload(size_t ops, size_t batch, size_t max_feed);

}  // namespace zkwire::bench
