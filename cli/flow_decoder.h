// Bridges captured TCP flows to the decoder: one ConnectionDecoder per flow, records out with the flow's labels.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "capture/flow_sink.h"
#include "capture/orientation.h"
#include "decoder/connection_decoder.h"

namespace zkwire {

class FlowDecoder : public capture::FlowSink {
 public:
  FlowDecoder(const DecoderOptions& options, RecordConsumer& output) : options_(options), output_(output) {}

  void* on_flow_open(const capture::FlowInfo& info) override;
  void on_flow_data(capture::FlowRef flow, Direction direction, std::span<const uint8_t> bytes, Timestamp at) override;
  void on_flow_gap(capture::FlowRef flow, Direction direction, uint64_t missing_bytes, Timestamp at) override;
  void on_flow_close(capture::FlowRef flow, const capture::FlowClose& close, Timestamp at) override;
  void on_idle(Timestamp now) override { output_.tick(now); }

  uint64_t flows_seen() const { return flows_seen_; }
  uint64_t frames_decoded() const { return frames_decoded_; }

 private:
  // Stamps each record with its flow's addresses on the way to the output.
  struct Flow : RecordSink {
    Flow(FlowDecoder& owner, uint64_t id, const capture::FlowInfo& info);
    void on_record(const Record& record) override;
    FlowDecoder& owner;
    uint64_t id;
    std::string client, server;
    FlowLabels labels;
    ConnectionDecoder decoder;
  };

  DecoderOptions options_;
  RecordConsumer& output_;
  // Owns the open flows; the capture layer hands each one's pointer back with its bytes, so this is only used at
  // the open and the close.
  std::unordered_map<uint64_t, std::unique_ptr<Flow>> flows_;
  uint64_t flows_seen_ = 0;
  uint64_t frames_decoded_ = 0;  // frames that decoded as ZooKeeper: none at all means a wrong port or protocol
};

// Tells client from server by which side's first bytes look like requests and which like replies.
capture::Orientation orient_by_frame_shape(std::span<const uint8_t> from_a, std::span<const uint8_t> from_b);

}  // namespace zkwire
