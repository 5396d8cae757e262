// Where decoded records go on their way out: rendered as text or JSON lines into a buffered stream.
#pragma once
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "decoder/record.h"
#include "output/record_renderer.h"
#include "output/text_buffer.h"

namespace zkwire {

enum class OutputFormat { text, jsonl };

class RecordOutput : public RecordConsumer {
 public:
  // `out` stays owned by the caller; nothing is written until `flush` or the buffer fills.
  RecordOutput(std::FILE* out, OutputFormat format, RenderOptions options);
  // Rendered lines go to `write` in batches (whole lines, the last newline left off): for log sinks that rotate.
  using Writer = std::function<void(std::string_view lines)>;
  RecordOutput(Writer write, OutputFormat format, RenderOptions options);
  ~RecordOutput();

  void write(const Record& record, const FlowLabels& flow);
  void consume(uint64_t, const Record& record, const FlowLabels& flow) override { write(record, flow); }
  void flush();
  uint64_t records_written() const { return written_; }

 private:
  std::FILE* out_ = nullptr;
  Writer writer_;
  OutputFormat format_;
  RenderOptions options_;
  TextBuffer buffer_;
  std::string text_line_;  // the text renderer appends to a string: one line at a time, then into the buffer
  bool have_first_ts_ = false;
  Timestamp first_ts_;
  uint64_t written_ = 0;
};

}  // namespace zkwire
