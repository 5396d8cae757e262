// Counters the proxy exports: just another consumer of decoded records.
#pragma once
#include <array>
#include <cstdint>
#include <map>

#include "decoder/record.h"
#include "inspector/anomalies.h"
#include "inspector/latency_histogram.h"

namespace zkwire {

struct ProxyMetrics : RecordConsumer {
  uint64_t connections_opened = 0, connections_closed = 0;
  uint64_t frames[2] = {0, 0}, bytes[2] = {0, 0};  // [c2s, s2c], frames with their length prefix
  uint64_t decode_errors = 0;
  std::map<int32_t, uint64_t> requests_by_op;
  std::map<std::pair<int32_t, int32_t>, uint64_t> errors_by_op;  // (op, err)
  std::map<int32_t, LatencyHistogram> latency_by_op;
  std::array<uint64_t, kAnomalyCount> anomalies{};

  void consume(uint64_t, const Record& r, const FlowLabels&) override {
    switch (r.kind) {
      case RecordKind::connection_open: ++connections_opened; return;
      case RecordKind::connection_close: ++connections_closed; return;
      case RecordKind::anomaly:
        for (const AnomalyInfo& a : all_anomalies())
          if (a.id == r.anomaly) ++anomalies[static_cast<size_t>(a.anomaly)];
        return;
      case RecordKind::decode_error: ++decode_errors; break;
      case RecordKind::request: ++requests_by_op[r.op]; break;
      case RecordKind::reply:
        if (r.err != 0) ++errors_by_op[{r.op, r.err}];
        if (r.latency_us >= 0) latency_by_op[r.op].add(r.latency_us);
        break;
      default: break;
    }
    size_t dir = r.dir == Direction::client_to_server ? 0 : 1;
    ++frames[dir];
    bytes[dir] += r.length + 4u;
  }
};

}  // namespace zkwire
