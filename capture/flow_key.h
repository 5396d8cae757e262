// The identity of a TCP connection regardless of direction, and a fast hash for looking it up.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "capture/flow_types.h"

namespace zkwire::capture {

struct FlowKey {
  Endpoint low;   // the smaller endpoint, so both directions of a connection share one key
  Endpoint high;

  static FlowKey between(const Endpoint& one, const Endpoint& other) {
    return precedes(one, other) ? FlowKey{one, other} : FlowKey{other, one};
  }
  friend bool operator==(const FlowKey&, const FlowKey&) = default;

 private:
  // Any strict order will do, as long as both directions agree on it; words are cheapest.
  static bool precedes(const Endpoint& one, const Endpoint& other) {
    uint64_t a[2], b[2];
    std::memcpy(a, one.addr.data(), 16);
    std::memcpy(b, other.addr.data(), 16);
    if (a[0] != b[0]) return a[0] < b[0];
    if (a[1] != b[1]) return a[1] < b[1];
    if (one.port != other.port) return one.port < other.port;
    return one.is_v6 < other.is_v6;
  }
};

// Runs once per packet, so it mixes whole words instead of hashing byte by byte.
struct FlowKeyHash {
  size_t operator()(const FlowKey& key) const noexcept {
    uint64_t words[4];
    std::memcpy(&words[0], key.low.addr.data(), 16);
    std::memcpy(&words[2], key.high.addr.data(), 16);
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t{key.low.port} << 16 | key.high.port) ^
                 (uint64_t{key.low.is_v6} << 40);
    for (uint64_t word : words) {
      h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 31;
    }
    return static_cast<size_t>(h);
  }
};

}  // namespace zkwire::capture
