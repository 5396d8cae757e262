// `zkwire analyze FILE...`: every capture file through the traffic pipeline, one after another.
#include "cli/analyze_command.h"

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
  for (const std::string& file : options.files) {
    FlowDecoder flows(pipeline->config().decoder, pipeline->input());
    capture::CaptureReader reader(pipeline->capture_options());
    capture::CaptureResult result = reader.run_file(file, flows);
    pipeline->report(file, result, flows);
    if (result.stats.packets > 0) ++readable;
  }
  pipeline->finish();
  // A partial capture is decoded as far as it goes; only "nothing could be read at all" is a failure.
  return readable > 0 ? 0 : 1;
}

}  // namespace zkwire
