// The proxy's clocks: wall time for records, monotonic time for durations, milliseconds as libevent takes them.
#pragma once
#include <sys/time.h>

#include <cstdint>
#include <ctime>

#include "decoder/basics.h"

namespace zkwire {

// Read per call, not libevent's cached time: that comes from a coarse clock (4 ms steps here), far too coarse for
// latencies.
inline Timestamp wall_clock() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return {int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec};
}

inline int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

inline timeval millis(int64_t ms) {
  return {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

}  // namespace zkwire
