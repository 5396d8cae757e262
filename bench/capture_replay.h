// The real captures, read once through the capture library and kept as per-connection events to replay.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "decoder/basics.h"

namespace zkwire::bench {

struct FlowEvent {
  Direction dir;
  bool is_gap = false;
  uint64_t gap_bytes = 0;
  std::vector<uint8_t> bytes;
  Timestamp ts;
};

struct CapturedFlow {
  bool started_mid_stream = false;
  std::vector<FlowEvent> events;
  Timestamp closed;
};

struct CapturedTraffic {
  std::vector<CapturedFlow> flows;
  uint64_t bytes = 0;  // TCP payload bytes
};

// Every flow of every file in `paths`, in the order the flows closed; unreadable files are skipped.
CapturedTraffic load_captures(const std::vector<std::string>& paths);

}  // namespace zkwire::bench
