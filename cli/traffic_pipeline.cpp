// Building the pipeline from options and config, and telling the user what each source gave.
#include "cli/traffic_pipeline.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/config_loader.h"

namespace zkwire {

std::unique_ptr<TrafficPipeline> TrafficPipeline::open(TrafficOptions& o) {
  Config config;
  if (!o.config_file.empty()) {
    LoadedConfig loaded = load_config_file(o.config_file);
    for (const ConfigProblem& p : loaded.problems)
      std::fprintf(stderr, "zkwire %s: %s\n", o.command.c_str(), p.to_string().c_str());
    if (!loaded.problems.empty()) return nullptr;
    config = loaded.config;
  }
  if (o.max_frame) config.decoder.max_frame = *o.max_frame;
  config.inspector.max_frame = config.decoder.max_frame;

  std::FILE* out = stdout;
  if (!o.write_to.empty() && o.write_to != "-") {
    out = std::fopen(o.write_to.c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "zkwire %s: cannot write %s: %s\n", o.command.c_str(), o.write_to.c_str(),
                   std::strerror(errno));
      return nullptr;
    }
  }
  bool terminal = out == stdout && isatty(fileno(stdout));
  o.render.color = o.format == OutputFormat::text &&
                   (o.color == TrafficOptions::Color::always ||
                    (o.color == TrafficOptions::Color::automatic && terminal));
  return std::unique_ptr<TrafficPipeline>(new TrafficPipeline(o, config, out));
}

TrafficPipeline::TrafficPipeline(const TrafficOptions& options, const Config& config, std::FILE* out)
    : options_(options),
      config_(config),
      out_(out),
      summary_out_(out),
      output_(out, options.format, options.render),
      filter_(options.filter, output_),
      timeline_(options.timeline.value_or(0), out),
      tee_{},
      inspector_(config.inspector, options.summary    ? static_cast<RecordConsumer&>(summary_)
                                   : options.timeline ? static_cast<RecordConsumer&>(timeline_)
                                                      : static_cast<RecordConsumer&>(tee_)) {
  tee_.first = &filter_;
  tee_.second = &summary_;
  if (options.summary) inspector_.set_archive(&summary_);
}

void TrafficPipeline::want_summary_alongside_records(std::FILE* to) {
  summary_wanted_alongside_records_ = true;
  summary_out_ = to;
  inspector_.set_archive(&summary_);
}

TrafficPipeline::~TrafficPipeline() {
  if (out_ != stdout) std::fclose(out_);
}

capture::CaptureOptions TrafficPipeline::capture_options() const {
  capture::CaptureOptions c;
  c.server_ports = options_.ports;
  c.classifier = orient_by_frame_shape;
  return c;
}

void TrafficPipeline::report(const std::string& source, const capture::CaptureResult& result,
                             const FlowDecoder& flows) {
  output_.flush();
  const char* command = options_.command.c_str();
  totals_.packets += result.stats.packets;
  totals_.captured_bytes += result.stats.bytes;
  totals_.lost_bytes += result.stats.lost_bytes;
  if (result.error.failed()) {
    const std::string& message = result.error.message;
    bool names_source = message.find(source) != std::string::npos;
    std::fprintf(stderr, "zkwire %s: %s%s%s\n", command, names_source ? "" : source.c_str(), names_source ? "" : ": ",
                 message.c_str());
  }
  if (result.stats.packets > 0 && result.stats.flows == 0) {
    std::fprintf(stderr, "zkwire %s: %s: %llu packets but no TCP connection in them\n", command, source.c_str(),
                 static_cast<unsigned long long>(result.stats.packets));
  } else if (result.stats.flows > 0 && flows.frames_decoded() == 0) {
    std::fprintf(stderr,
                 "zkwire %s: %s: %llu TCP connections but not one ZooKeeper frame in them "
                 "(not ZooKeeper traffic, or the capture holds only the middle of long frames)\n",
                 command, source.c_str(), static_cast<unsigned long long>(result.stats.flows));
  }
  if (result.stats.gaps > 0) {
    std::fprintf(stderr, "zkwire %s: %s: the capture lost %llu bytes in %llu places (see capture_gap records)\n",
                 command, source.c_str(), static_cast<unsigned long long>(result.stats.lost_bytes),
                 static_cast<unsigned long long>(result.stats.gaps));
  }
}

void TrafficPipeline::finish() {
  output_.flush();
  if (options_.summary || summary_wanted_alongside_records_) {
    summary_.write(inspector_, totals_, options_.summary ? out_ : summary_out_);
  }
  if (options_.timeline) timeline_.finish();
  std::fflush(out_);
}

}  // namespace zkwire
