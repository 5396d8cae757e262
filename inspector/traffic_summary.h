// Counts what passed (frames, bytes, ops, errors, latencies, anomalies) and renders the summary document.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "decoder/record.h"
#include "inspector/archived_sessions.h"
#include "inspector/latency_histogram.h"
#include "inspector/per_op.h"
#include "inspector/session_archive.h"
#include "inspector/session_inspector.h"
#include "output/text_buffer.h"

namespace zkwire {

// What the capture layer (or the proxy) knows that records do not carry.
struct SourceTotals {
  uint64_t packets = 0;
  uint64_t captured_bytes = 0;
  uint64_t lost_bytes = 0;
};

// Also the inspector's archive: a forgotten session's entry is rendered then and set aside on disk.
class TrafficSummary : public RecordConsumer, public SessionArchive {
 public:
  void consume(uint64_t connection, const Record& record, const FlowLabels& flow) override;
  void archive(const SessionState& session) override;
  // Writes the whole summary as one JSON document (docs/inspector.md), in pieces: with a hundred thousand
  // sessions the document is tens of megabytes, which need not sit in memory at once.
  void write(const SessionInspector& inspector, const SourceTotals& totals, std::FILE* out);

 private:
  uint64_t frames_ = 0, frame_bytes_ = 0, connections_ = 0, decode_errors_ = 0, gaps_ = 0;
  uint64_t bytes_by_dir_[2] = {0, 0};
  // By RecordKind: a string-keyed map looked up once per record was a tenth of the summary's cost.
  std::array<uint64_t, 256> kinds_{};  // RecordKind is a uint8_t
  PerOp<uint64_t> requests_by_op_;
  std::map<int32_t, uint64_t> errors_by_code_;
  PerOp<LatencyHistogram> latency_by_op_;
  int64_t first_ns_ = 0, last_ns_ = 0;  // of the records; 0 before the first
  TextBuffer archive_text_;  // a forgotten session's entry, rendered before it is set aside
  ArchivedSessions archived_;
};

}  // namespace zkwire
