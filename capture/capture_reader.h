// The capture layer's front door: a file or interface in, reassembled flows out to a sink.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "capture/capture_error.h"
#include "capture/capture_options.h"
#include "capture/flow_sink.h"

namespace zkwire::capture {

struct CaptureStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;          // captured bytes, link headers included
  uint64_t tcp_segments = 0;
  uint64_t non_tcp = 0;
  uint64_t malformed = 0;
  uint64_t ip_fragments = 0;   // skipped: TCP with path-MTU discovery is almost never fragmented
  uint64_t flows = 0;
  uint64_t gaps = 0;
  uint64_t lost_bytes = 0;
  uint64_t evicted_flows = 0;
  bool truncated = false;      // the file ended mid-packet; everything before it was used
};

struct CaptureResult {
  CaptureStats stats;
  CaptureError error;  // when truncated, the flows up to that point were still delivered
};

class CaptureReader {
 public:
  explicit CaptureReader(CaptureOptions options);

  CaptureResult run_file(const std::string& path, FlowSink& sink);
  // Reads until `stop` becomes true (checked at least every 200 ms) or the interface fails.
  CaptureResult run_live(const std::string& interface, const std::string& bpf_filter,
                         FlowSink& sink, const std::atomic<bool>& stop);

 private:
  CaptureOptions options_;
};

}  // namespace zkwire::capture
