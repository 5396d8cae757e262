// What decoded traffic flows through, for files and live interfaces alike:
// capture -> decoder -> session inspector -> (filter -> records out | summary | timeline).
#pragma once
#include <cstdio>
#include <optional>
#include <string>

#include "capture/capture_reader.h"
#include "cli/flow_decoder.h"
#include "cli/record_filter.h"
#include "output/record_output.h"
#include "cli/traffic_options.h"
#include "config/config_keys.h"
#include "inspector/session_inspector.h"
#include "inspector/session_timeline.h"
#include "inspector/traffic_summary.h"

namespace zkwire {

class TrafficPipeline {
 public:
  // Loads the configuration and opens the output; nullopt (after saying why) when either fails.
  static std::unique_ptr<TrafficPipeline> open(TrafficOptions& options);
  ~TrafficPipeline();

  const Config& config() const { return config_; }
  capture::CaptureOptions capture_options() const;
  // Where each source's flows go: one FlowDecoder per source, all feeding the same inspector.
  RecordConsumer& input() { return inspector_; }
  // Tells the user what a source's capture result means (errors, gaps, nothing decoded).
  void report(const std::string& source, const capture::CaptureResult& result, const FlowDecoder& flows);
  // Writes the summary or the timeline, flushes everything.
  void finish();
  // Records go to the output, and the summary too at the end, to `to` (sniff: stderr).
  void want_summary_alongside_records(std::FILE* to);

 private:
  TrafficPipeline(const TrafficOptions& options, const Config& config, std::FILE* out);

  TrafficOptions options_;
  Config config_;
  std::FILE* out_;
  std::FILE* summary_out_;
  bool summary_wanted_alongside_records_ = false;
  RecordOutput output_;
  RecordFilter filter_;
  TrafficSummary summary_;
  SessionTimeline timeline_;
  // Records and summary both: records to the output, counts to the summary.
  struct Tee : RecordConsumer {
    RecordConsumer* first;
    RecordConsumer* second;
    void consume(uint64_t c, const Record& r, const FlowLabels& f) override {
      first->consume(c, r, f);
      second->consume(c, r, f);
    }
  } tee_;
  SessionInspector inspector_;
  SourceTotals totals_;
};

}  // namespace zkwire
