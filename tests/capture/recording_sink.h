// A FlowSink for tests: remembers every flow's bytes, gaps and end, and checks call order.
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capture/flow_sink.h"

namespace zkwire::capture::testing {

struct RecordedFlow {
  FlowInfo info;
  std::string client_bytes;  // client to server, with one '?' per missing byte
  std::string server_bytes;
  std::vector<std::pair<Direction, uint64_t>> gaps;
  std::vector<Timestamp> data_times;
  std::optional<FlowClose> close;
  Timestamp closed_at;
};

class RecordingSink : public FlowSink {
 public:
  void* on_flow_open(const FlowInfo& info) override {
    EXPECT_FALSE(index_.contains(info.id)) << "flow " << info.id << " opened twice";
    index_[info.id] = flows.size();
    flows.push_back({info, {}, {}, {}, {}, {}, {}});
    return &index_[info.id];  // handed back with every later call for the flow: checked there
  }
  void on_flow_data(FlowRef ref, Direction d, std::span<const uint8_t> bytes, Timestamp at) override {
    RecordedFlow& flow = open_flow(ref);
    EXPECT_FALSE(bytes.empty()) << "empty delivery";
    text(flow, d).append(bytes.begin(), bytes.end());
    flow.data_times.push_back(at);
  }
  void on_flow_gap(FlowRef ref, Direction d, uint64_t missing, Timestamp) override {
    RecordedFlow& flow = open_flow(ref);
    EXPECT_GT(missing, 0u);
    flow.gaps.emplace_back(d, missing);
    text(flow, d).append(missing, '?');
  }
  void on_flow_close(FlowRef ref, const FlowClose& close, Timestamp at) override {
    RecordedFlow& flow = open_flow(ref);
    flow.close = close;
    flow.closed_at = at;
  }

  const RecordedFlow& only_flow() const {
    EXPECT_EQ(flows.size(), 1u);
    return flows.at(0);
  }

  std::vector<RecordedFlow> flows;

 private:
  RecordedFlow& open_flow(FlowRef ref) {
    const uint64_t id = ref.id;
    const auto found = index_.find(id);
    if (found == index_.end()) {
      ADD_FAILURE() << "flow " << id << " used before it was opened";
      on_flow_open(FlowInfo{id, {}, {}, {}, {}, {}});
      return flows.back();
    }
    EXPECT_EQ(ref.state, &found->second) << "flow " << id << " came back without the state its sink gave it";
    RecordedFlow& flow = flows[found->second];
    EXPECT_FALSE(flow.close.has_value()) << "flow " << id << " used after close";
    return flow;
  }
  static std::string& text(RecordedFlow& flow, Direction d) {
    return d == Direction::client_to_server ? flow.client_bytes : flow.server_bytes;
  }

  std::map<uint64_t, size_t> index_;
};

}  // namespace zkwire::capture::testing
