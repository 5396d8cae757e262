// The one interface through which reassembled TCP flows leave the capture layer.
#pragma once
#include <cstdint>
#include <span>

#include "capture/flow_types.h"
#include "decoder/basics.h"

namespace zkwire::capture {

// Calls for one flow always come in the order open, then data and gaps, then close.
// Spans are only valid during the call: they may point into libpcap's packet buffer.
class FlowSink {
 public:
  virtual ~FlowSink() = default;
  // Returns the sink's own state for the flow (or nullptr): it comes back in every later call's FlowRef.
  virtual void* on_flow_open(const FlowInfo& info) = 0;
  // `at` is the timestamp of the packet that made these bytes deliverable.
  virtual void on_flow_data(FlowRef flow, Direction direction, std::span<const uint8_t> bytes, Timestamp at) = 0;
  // Bytes that were sent but will never be seen; delivery resumes right after them.
  virtual void on_flow_gap(FlowRef flow, Direction direction, uint64_t missing_bytes, Timestamp at) = 0;
  virtual void on_flow_close(FlowRef flow, const FlowClose& close, Timestamp at) = 0;
  // A live source had no packet for a while: time still moves on (wall clock), for timers downstream.
  virtual void on_idle(Timestamp /*now*/) {}
};

}  // namespace zkwire::capture
