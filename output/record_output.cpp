// Buffered rendering of records to a stdio stream.
#include "output/record_output.h"

namespace zkwire {

namespace {
constexpr size_t kFlushAt = 1 << 16;
}

RecordOutput::RecordOutput(std::FILE* out, OutputFormat format, RenderOptions options)
    : out_(out), format_(format), options_(options), buffer_(kFlushAt + 4096) {}

RecordOutput::RecordOutput(Writer write, OutputFormat format, RenderOptions options)
    : writer_(std::move(write)), format_(format), options_(options), buffer_(kFlushAt + 4096) {}

RecordOutput::~RecordOutput() { flush(); }

void RecordOutput::write(const Record& record, const FlowLabels& flow) {
  if (format_ == OutputFormat::jsonl) {
    render_jsonl(record, flow, options_, buffer_);
  } else {
    if (!have_first_ts_) {
      first_ts_ = record.ts;
      have_first_ts_ = true;
    }
    text_line_.clear();
    render_text(record, flow, static_cast<double>(record.ts.ns - first_ts_.ns) / 1e9, options_, text_line_);
    buffer_.append(text_line_);
  }
  ++written_;
  if (buffer_.size() >= kFlushAt) flush();
}

void RecordOutput::flush() {
  if (writer_) {
    std::string_view lines = buffer_.view();
    if (!lines.empty() && lines.back() == '\n') lines.remove_suffix(1);
    if (!lines.empty()) writer_(lines);
    buffer_.clear();
    return;
  }
  if (!buffer_.empty()) std::fwrite(buffer_.view().data(), 1, buffer_.size(), out_);
  buffer_.clear();
  std::fflush(out_);
}

}  // namespace zkwire
