// Counters the proxy exports: just another consumer of decoded records.
#pragma once
#include <array>
#include <cstdint>
#include <map>

#include "decoder/record.h"
#include "inspector/anomalies.h"
#include "inspector/latency_histogram.h"

namespace zkwire {

struct ProxyMetrics final : RecordConsumer {  // final: the proxy's fan-out calls it directly, inlined
  uint64_t connections_opened = 0, connections_closed = 0;
  uint64_t frames[2] = {0, 0}, bytes[2] = {0, 0};  // [c2s, s2c], frames with their length prefix
  uint64_t decode_errors = 0;
  std::map<int32_t, uint64_t> requests_by_op;
  std::map<std::pair<int32_t, int32_t>, uint64_t> errors_by_op;  // (op, err)
  std::map<int32_t, LatencyHistogram> latency_by_op;
  std::array<uint64_t, kAnomalyCount> anomalies{};

  ProxyMetrics() = default;
  ProxyMetrics(const ProxyMetrics&) = delete;  // the entry caches point into this object's maps
  ProxyMetrics& operator=(const ProxyMetrics&) = delete;

  void consume(uint64_t, const Record& r, const FlowLabels&) override {
    // Requests and replies are the hot path: their counters are found through `by_op_`, not a tree search.
    switch (r.kind) {
      case RecordKind::connection_open: ++connections_opened; return;
      case RecordKind::connection_close: ++connections_closed; return;
      case RecordKind::anomaly:
        for (const AnomalyInfo& a : all_anomalies())
          if (a.id == r.anomaly) ++anomalies[static_cast<size_t>(a.anomaly)];
        return;
      case RecordKind::decode_error: ++decode_errors; break;
      case RecordKind::request: ++entry(requests_by_op, request_entries_, r.op); break;
      case RecordKind::reply:
        if (r.err != 0) count_error(r.op, r.err);
        if (r.latency_us >= 0) entry(latency_by_op, latency_entries_, r.op).add(r.latency_us);
        break;
      default: break;
    }
    size_t dir = r.dir == Direction::client_to_server ? 0 : 1;
    ++frames[dir];
    bytes[dir] += r.length + 4u;
  }

 private:
  // Each op's entry in the maps above (map entries never move), for the opcodes ZooKeeper defines.
  static constexpr int32_t kFirstOp = -11, kLastOp = 107;  // closeSession .. whoAmI
  template <class T>
  using ByOp = std::array<T*, kLastOp - kFirstOp + 1>;
  ByOp<uint64_t> request_entries_{};
  ByOp<LatencyHistogram> latency_entries_{};
  template <class T>
  static T& entry(std::map<int32_t, T>& map, ByOp<T>& cache, int32_t op) {
    if (op < kFirstOp || op > kLastOp) return map_entry(map, op);
    T*& cached = cache[static_cast<size_t>(op - kFirstOp)];
    if (!cached) cached = &map_entry(map, op);
    return *cached;
  }
  // The tree searches are out of line: inlined, they made every record pay for the registers they need.
  template <class T>
  [[gnu::noinline]] static T& map_entry(std::map<int32_t, T>& map, int32_t op) { return map[op]; }
  [[gnu::noinline]] void count_error(int32_t op, int32_t err) { ++errors_by_op[{op, err}]; }
};

}  // namespace zkwire
