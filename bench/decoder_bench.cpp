// Decoder throughput: synthetic read-heavy traffic and the real captures, decoded alone and rendered as JSON.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/capture_replay.h"
#include "bench/workload.h"
#include "decoder/connection_decoder.h"
#include "output/record_renderer.h"

namespace zkwire::bench {
namespace {

constexpr size_t kOps = 20000;  // ~40k frames, ~3 MB: a fresh decoder per pass costs nothing in comparison

// The cheapest possible consumer: the virtual call the decoder must make anyway, and a count.
struct NullSink : RecordSink {
  uint64_t records = 0;
  uint64_t frames = 0;  // records that are one decoded frame each
  uint64_t trouble = 0;  // decode errors and unmatched replies: the workload must have none
  void on_record(const Record& r) override {
    ++records;
    frames += r.kind == RecordKind::request || r.kind == RecordKind::reply || r.kind == RecordKind::event ||
              r.kind == RecordKind::connect_request || r.kind == RecordKind::connect_response;
    trouble += r.kind == RecordKind::decode_error || r.unmatched;
  }
};

// What `zkwire analyze --json` does per record, minus the write: one line into a reused buffer.
struct JsonSink : RecordSink {
  std::string line;
  uint64_t bytes_out = 0;
  RenderOptions options;
  void on_record(const Record& r) override {
    line.clear();
    render_jsonl(r, {"10.1.2.3:51234", "10.1.2.4:2181"}, options, line);
    bytes_out += line.size();
  }
};

const Workload& workload(size_t batch, size_t max_feed) {
  static std::vector<std::pair<std::pair<size_t, size_t>, Workload>> cache;
  for (auto& [key, w] : cache)
    if (key == std::make_pair(batch, max_feed)) return w;
  return cache.emplace_back(std::make_pair(batch, max_feed), make_workload(kOps, batch, max_feed)).second;
}

template <class Sink>
void decode_all(const Workload& w, Sink& sink) {
  ConnectionDecoder decoder(DecoderOptions{}, sink);
  Timestamp ts{1'700'000'000'000'000'000};
  for (const Feed& f : w.feeds) {
    ts.ns += 50'000;
    decoder.feed(f.dir, f.bytes, ts);
  }
  decoder.finish(ts);
}

template <class Sink>
void run_synthetic(benchmark::State& state, Sink& sink) {
  const Workload& w = workload(static_cast<size_t>(state.range(0)), static_cast<size_t>(state.range(1)));
  NullSink check;
  decode_all(w, check);
  if (check.records != w.frames || check.trouble != 0) {
    state.SkipWithError("the workload does not decode cleanly");
    return;
  }
  for (auto _ : state) decode_all(w, sink);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.frames));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.bytes));
  state.counters["feeds"] = static_cast<double>(w.feeds.size());
  state.counters["avg_frame_B"] = static_cast<double>(w.bytes) / static_cast<double>(w.frames);
}

// Args: ops per pipelined segment, largest feed in bytes (a feed smaller than a segment splits frames).
void segment_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"batch", "feed"});
  b->Args({16, 65536});    // ~1 KB segments, each fed whole
  b->Args({1024, 65536});  // ~64 KB segments, each fed whole
  b->Args({1024, 1448});   // one Ethernet MSS per feed: frames straddle feeds
  b->Args({1024, 100});    // tiny reads: most frames are reassembled in the framer
}

void BM_Decode(benchmark::State& state) {
  NullSink sink;
  run_synthetic(state, sink);
}
BENCHMARK(BM_Decode)->Apply(segment_args);

void BM_DecodeRenderJsonl(benchmark::State& state) {
  JsonSink sink;
  run_synthetic(state, sink);
  state.counters["json_B/s"] =
      benchmark::Counter(static_cast<double>(sink.bytes_out), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeRenderJsonl)->ArgNames({"batch", "feed"})->Args({1024, 1448});

// Every capture in captures/, each flow replayed through its own decoder with its gaps and timestamps.
void BM_DecodeCaptures(benchmark::State& state) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(ZKWIRE_CAPTURES_DIR)) {
    auto ext = entry.path().extension();
    if (ext == ".pcap" || ext == ".pcapng") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  static const CapturedTraffic traffic = load_captures(paths);
  if (traffic.flows.empty()) {
    state.SkipWithError("no captures found in " ZKWIRE_CAPTURES_DIR);
    return;
  }
  NullSink sink;
  uint64_t frames = 0, records = 0;
  for (auto _ : state) {
    uint64_t frames_before = sink.frames, records_before = sink.records;
    for (const CapturedFlow& flow : traffic.flows) {
      ConnectionDecoder decoder(DecoderOptions{}, sink, flow.started_mid_stream);
      for (const FlowEvent& e : flow.events) {
        if (e.is_gap)
          decoder.gap(e.dir, e.gap_bytes, e.ts);
        else
          decoder.feed(e.dir, e.bytes, e.ts);
      }
      decoder.finish(flow.closed);
    }
    frames = sink.frames - frames_before;
    records = sink.records - records_before;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * traffic.bytes));
  state.counters["flows"] = static_cast<double>(traffic.flows.size());
  state.counters["frames"] = static_cast<double>(frames);
  state.counters["records"] = static_cast<double>(records);
}
BENCHMARK(BM_DecodeCaptures);

}  // namespace
}  // namespace zkwire::bench

BENCHMARK_MAIN();
