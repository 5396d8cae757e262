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

  // Requests and replies take a path with no call in it, so no register is saved for one: their counters come from
  // the per-op caches below. Anything else (an op's first sighting, an error reply, other kinds) goes the slow way.
  void consume(uint64_t, const Record& r, const FlowLabels&) override {
    if (r.kind == RecordKind::request) {
      uint64_t* requests = cached(request_entries_, r.op);
      if (!requests) return consume_slowly(r);
      ++*requests;
    } else if (r.kind == RecordKind::reply && r.err == 0) {
      if (r.latency_us >= 0) {
        LatencyHistogram* latency = cached(latency_entries_, r.op);
        if (!latency) return consume_slowly(r);
        latency->add(r.latency_us);
      }
    } else {
      return consume_slowly(r);
    }
    count_frame(r);
  }

 private:
  // Each op's entry in the maps above (map entries never move), for the opcodes ZooKeeper defines.
  static constexpr int32_t kFirstOp = -11, kLastOp = 107;  // closeSession .. whoAmI
  template <class T>
  using ByOp = std::array<T*, kLastOp - kFirstOp + 1>;
  ByOp<uint64_t> request_entries_{};
  ByOp<LatencyHistogram> latency_entries_{};
  // The entry if it was looked up before, else null.
  template <class T>
  static T* cached(const ByOp<T>& cache, int32_t op) {
    return op < kFirstOp || op > kLastOp ? nullptr : cache[static_cast<size_t>(op - kFirstOp)];
  }
  template <class T>
  static T& entry(std::map<int32_t, T>& map, ByOp<T>& cache, int32_t op) {
    if (op < kFirstOp || op > kLastOp) return map[op];
    T*& slot = cache[static_cast<size_t>(op - kFirstOp)];
    if (!slot) slot = &map[op];
    return *slot;
  }
  void count_frame(const Record& r) {
    size_t dir = r.dir == Direction::client_to_server ? 0 : 1;
    ++frames[dir];
    bytes[dir] += r.length + 4u;
  }
  [[gnu::noinline]] void consume_slowly(const Record& r) {
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
        if (r.err != 0) ++errors_by_op[{r.op, r.err}];
        if (r.latency_us >= 0) entry(latency_by_op, latency_entries_, r.op).add(r.latency_us);
        break;
      default: break;
    }
    count_frame(r);
  }
};

}  // namespace zkwire
