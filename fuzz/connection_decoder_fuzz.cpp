// libFuzzer target: one connection's chunks through ConnectionDecoder, every record through both renderers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "decoder/connection_decoder.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/json_check.h"
#include "output/record_renderer.h"

namespace zkwire::fuzz {
namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

bool is_frame_record(RecordKind k) {
  return k == RecordKind::connect_request || k == RecordKind::connect_response || k == RecordKind::request ||
         k == RecordKind::reply || k == RecordKind::event;
}

// Renders every record both ways and checks what must hold whatever the bytes were.
class CheckingSink : public RecordSink {
 public:
  explicit CheckingSink(const RenderOptions& options) : options_(options) {}

  // Stream bytes seen so far per direction (fed or lost), kept by the driver.
  uint64_t stream_end[2] = {0, 0};
  std::string transcript;  // every JSON line, for the chunking comparison

  void on_record(const Record& r) override {
    int d = static_cast<int>(r.dir);
    if (r.offset > stream_end[d]) fail("record offset beyond the bytes seen", render_one(r));
    if (is_frame_record(r.kind)) {
      // A frame is whole by the time it is reported, and frames of one direction never overlap.
      if (r.offset + 4 + r.length > stream_end[d]) fail("frame ends beyond the bytes seen", render_one(r));
      if (seen_frame_[d] && r.offset < next_frame_[d]) fail("frame offsets went backwards", render_one(r));
      seen_frame_[d] = true;
      next_frame_[d] = r.offset + 4 + r.length;
    }
    if (r.kind == RecordKind::request && !r.has_header) fail("a request without a header", render_one(r));

    std::string line = render_one(r);
    if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1)
      fail("JSON rendering is not exactly one line", line);
    if (!JsonCheck::valid(std::string_view(line).substr(0, line.size() - 1)))
      fail("JSON rendering is not valid JSON", line);
    transcript += line;

    text_.clear();
    render_text(r, {"10.0.0.1:40000", "10.0.0.2:2181"}, r.ts.seconds() - 1.7e9, options_, text_);
    if (text_.empty() || text_.back() != '\n' || text_.find('\n') != text_.size() - 1)
      fail("text rendering is not exactly one line", text_);
  }

 private:
  std::string render_one(const Record& r) {
    std::string out;
    render_jsonl(r, {"10.0.0.1:40000", "10.0.0.2:2181"}, options_, out);
    return out;
  }

  RenderOptions options_;
  std::string text_;
  bool seen_frame_[2] = {false, false};
  uint64_t next_frame_[2] = {0, 0};
};

// piece == 0 feeds each chunk whole; otherwise data chunks go in `piece`-byte slices.
std::string run(const Settings& settings, std::span<const Chunk> chunks, size_t piece) {
  DecoderOptions options;
  if (settings.small_limits) {
    options.max_frame = 48;
    options.oversize_skip_limit = 4096;
    options.max_pending = 3;
    options.max_text = 8;
    options.resync_window = 64;
  }
  RenderOptions render;
  render.show_secrets = settings.show_secrets;
  if (settings.small_data_prefix) render.data_prefix = 3;
  CheckingSink sink(render);
  ConnectionDecoder decoder(options, sink, settings.started_mid_stream);
  Timestamp last;
  for (const Chunk& c : chunks) {
    int d = static_cast<int>(c.dir);
    last = c.ts;
    if (c.is_gap) {
      sink.stream_end[d] += c.gap_bytes;
      decoder.gap(c.dir, c.gap_bytes, c.ts);
      continue;
    }
    std::span<const uint8_t> data = c.data;
    do {
      size_t n = piece == 0 ? data.size() : std::min(piece, data.size());
      sink.stream_end[d] += n;
      decoder.feed(c.dir, data.first(n), c.ts);
      data = data.subspan(n);
    } while (!data.empty());
  }
  decoder.finish(last);
  return std::move(sink.transcript);
}

}  // namespace
}  // namespace zkwire::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zkwire::fuzz;
  if (size < 1) return 0;
  Settings settings = parse_settings(data[0]);
  auto chunks = parse_chunks(std::span<const uint8_t>(data + 1, size - 1));
  std::string whole = run(settings, chunks, 0);
  // How the bytes were split into reads must not change what is decoded. The resync window is the one
  // exception (a full window is judged on what it holds), so the tiny-limits mode is left out.
  if (!settings.small_limits) {
    std::string sliced = run(settings, chunks, settings.split);
    if (sliced != whole) fail("records depend on how the stream was chunked", whole + "---- sliced:\n" + sliced);
  }
  return 0;
}
