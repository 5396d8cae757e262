// Reads captures through the capture library into memory, so the benchmark times the decoder alone.
#include "bench/capture_replay.h"

#include <map>

#include "capture/capture_reader.h"

namespace zkwire::bench {
namespace {

class Collector : public capture::FlowSink {
 public:
  explicit Collector(CapturedTraffic& out) : out_(out) {}
  void* on_flow_open(const capture::FlowInfo& info) override {
    open_[info.id].started_mid_stream = info.started_mid_stream;
    return nullptr;
  }
  void on_flow_data(capture::FlowRef flow, Direction dir, std::span<const uint8_t> bytes, Timestamp at) override {
    // Copied: the span may point into libpcap's buffer, which the next packet reuses.
    open_[flow.id].events.push_back({dir, false, 0, {bytes.begin(), bytes.end()}, at});
    out_.bytes += bytes.size();
  }
  void on_flow_gap(capture::FlowRef flow, Direction dir, uint64_t missing, Timestamp at) override {
    open_[flow.id].events.push_back({dir, true, missing, {}, at});
  }
  void on_flow_close(capture::FlowRef flow, const capture::FlowClose&, Timestamp at) override {
    auto it = open_.find(flow.id);
    if (it == open_.end()) return;
    it->second.closed = at;
    out_.flows.push_back(std::move(it->second));
    open_.erase(it);
  }

 private:
  CapturedTraffic& out_;
  std::map<uint64_t, CapturedFlow> open_;
};

}  // namespace

CapturedTraffic load_captures(const std::vector<std::string>& paths) {
  CapturedTraffic traffic;
  for (const std::string& path : paths) {
    Collector collector(traffic);
    capture::CaptureReader(capture::CaptureOptions{}).run_file(path, collector);
  }
  return traffic;
}

}  // namespace zkwire::bench
