// Runs segments through what `zkwire analyze --format jsonl` runs: CaptureReader -> FlowDecoder -> RecordOutput.
#pragma once
#include <string>
#include <vector>

#include "capture/capture_reader.h"
#include "tests/reassembly/json_line.h"
#include "tests/reassembly/segment_list.h"

namespace zkwire::reassembly_testing {

struct Analysis {
  std::vector<JsonLine> records;
  capture::CaptureResult result;

  // The records of one kind, in order.
  std::vector<JsonLine> of_kind(const std::string& kind) const;
  size_t count(const std::string& kind) const { return of_kind(kind).size(); }
};

// The segments written to a pcap file and analysed with the analyser's defaults (server port 2181,
// orientation by frame shape when the port does not tell).
Analysis analyse(const Segments& segments);

}  // namespace zkwire::reassembly_testing
