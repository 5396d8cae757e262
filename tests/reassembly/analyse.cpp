// The analyse pipeline over a temporary pcap, its JSON lines read back record by record.
#include "tests/reassembly/analyse.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "cli/flow_decoder.h"
#include "output/record_output.h"

namespace zkwire::reassembly_testing {

std::vector<JsonLine> Analysis::of_kind(const std::string& kind) const {
  std::vector<JsonLine> out;
  for (const JsonLine& r : records) {
    if (r.str("kind") == kind) out.push_back(r);
  }
  return out;
}

Analysis analyse(const Segments& segments) {
  capture::testing::TempFile file(to_pcap(segments));
  // The same options TrafficPipeline gives `zkwire analyze` without flags.
  capture::CaptureOptions options;
  options.server_ports = {2181};
  options.classifier = orient_by_frame_shape;

  char* text = nullptr;
  size_t text_size = 0;
  std::FILE* out = open_memstream(&text, &text_size);
  Analysis analysis;
  {
    RecordOutput output(out, OutputFormat::jsonl, RenderOptions{});
    FlowDecoder flows(DecoderOptions{}, output);
    analysis.result = capture::CaptureReader(options).run_file(file.path(), flows);
    output.flush();
  }
  std::fclose(out);
  std::string all(text, text_size);
  std::free(text);
  EXPECT_FALSE(analysis.result.error.failed()) << analysis.result.error.message;

  for (size_t start = 0; start < all.size();) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    analysis.records.emplace_back(all.substr(start, end - start));
    start = end + 1;
  }
  return analysis;
}

}  // namespace zkwire::reassembly_testing
