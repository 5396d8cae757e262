// Live capture through libpcap with a BPF filter on the server ports; SIGINT/SIGTERM end it with the summary.
#include "cli/sniff_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/traffic_pipeline.h"

namespace zkwire {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void request_stop(int) { g_stop.store(true); }

void print_sniff_help() {
  std::fputs(
      "usage: zkwire sniff -i IFACE [options]\n"
      "Decode ZooKeeper client traffic live on an interface (root or CAP_NET_RAW), follow its sessions and\n"
      "flag anomalies as they happen; Ctrl-C stops and prints the summary (to stderr unless --format\n"
      "summary).\n\n"
      "  -i, --interface IFACE    interface to capture on (lo, eth0, any)\n",
      stdout);
  std::fputs(kTrafficOptionsHelp, stdout);
}

std::string bpf_for(const std::vector<uint16_t>& ports) {
  std::string filter;
  for (uint16_t p : ports) filter += (filter.empty() ? "tcp port " : " or tcp port ") + std::to_string(p);
  return filter;
}

}  // namespace

int run_sniff(std::span<const std::string_view> args) {
  TrafficOptions options;
  options.command = "sniff";
  options.help = print_sniff_help;
  if (auto status = parse_traffic_options(args, options)) return *status;
  auto pipeline = TrafficPipeline::open(options);
  if (!pipeline) return 2;
  if (!options.timeline) pipeline->want_summary_alongside_records(stderr);

  struct sigaction action {};
  action.sa_handler = request_stop;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  FlowDecoder flows(pipeline->config().decoder, pipeline->input());
  capture::CaptureReader reader(pipeline->capture_options());
  std::string filter = bpf_for(options.ports);
  std::fprintf(stderr, "zkwire sniff: capturing on %s (%s); Ctrl-C to stop\n", options.interface.c_str(),
               filter.c_str());
  capture::CaptureResult result = reader.run_live(options.interface, filter, flows, g_stop);
  pipeline->report(options.interface, result, flows);
  pipeline->finish();
  return result.error.failed() && result.stats.packets == 0 ? 1 : 0;
}

}  // namespace zkwire
