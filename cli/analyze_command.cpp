// `zkwire analyze FILE...`: every capture file through the traffic pipeline, one after another.
#include "cli/analyze_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cli/traffic_pipeline.h"

namespace zkwire {

void print_analyze_help() {
  std::fputs(
      "usage: zkwire analyze [options] FILE...\n"
      "Decode the ZooKeeper client traffic in pcap or pcapng captures, follow its sessions and flag\n"
      "anomalies; one record per line.\n\n",
      stdout);
  std::fputs(kTrafficOptionsHelp, stdout);
}

int run_analyze(std::span<const std::string_view> args) {
  TrafficOptions options;
  options.command = "analyze";
  options.help = print_analyze_help;
  if (auto status = parse_traffic_options(args, options)) return *status;
  auto pipeline = TrafficPipeline::open(options);
  if (!pipeline) return 2;
  int readable = 0;
  // On a terminal, a large file gets a progress line on stderr, rewritten in place.
  bool show_progress = isatty(fileno(stderr));
  for (const std::string& file : options.files) {
    FlowDecoder flows(pipeline->config().decoder, pipeline->input());
    capture::CaptureOptions capture_options = pipeline->capture_options();
    struct stat info {};
    if (show_progress && stat(file.c_str(), &info) == 0 && info.st_size > (64 << 20)) {
      double size = static_cast<double>(info.st_size);
      capture_options.progress = [&file, size](uint64_t done) {
        std::fprintf(stderr, "\r%s: %.0f%% (%.0f of %.0f MB)", file.c_str(), 100.0 * std::min(1.0, done / size),
                     done / 1e6, size / 1e6);
      };
    }
    capture::CaptureReader reader(capture_options);
    capture::CaptureResult result = reader.run_file(file, flows);
    if (capture_options.progress) std::fputs("\r\x1b[K", stderr);
    pipeline->report(file, result, flows);
    if (result.stats.packets > 0) ++readable;
  }
  pipeline->finish();
  // A partial capture is decoded as far as it goes; only "nothing could be read at all" is a failure.
  return readable > 0 ? 0 : 1;
}

}  // namespace zkwire
