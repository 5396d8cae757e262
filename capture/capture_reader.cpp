// The read, parse and reassemble loop shared by files and live interfaces.
#include "capture/capture_reader.h"

#include <ctime>

#include "capture/flow_table.h"
#include "capture/packet_parser.h"
#include "capture/pcap_source.h"

namespace zkwire::capture {
namespace {

CaptureResult drain(PcapSource& source, const CaptureOptions& options, FlowSink& sink,
                    const std::atomic<bool>* stop) {
  CaptureResult result;
  CaptureStats& stats = result.stats;
  FlowTable table(options, sink);
  RawPacket packet;
  TcpSegment segment;
  bool reading = true;
  while (reading) {
    switch (source.next(packet, result.error)) {
      case NextOutcome::packet:
        ++stats.packets;
        stats.bytes += packet.bytes.size();
        // A pcap record header is 16 bytes: close enough to the file position for a progress line.
        if (options.progress && (stats.packets & 0xffff) == 0) options.progress(stats.bytes + 16 * stats.packets);
        switch (parse_packet(source.link_layer(), packet.bytes, packet.wire_length, segment)) {
          case ParseResult::tcp:
            ++stats.tcp_segments;
            table.on_segment(segment, packet.ts);
            break;
          case ParseResult::not_tcp: ++stats.non_tcp; break;
          case ParseResult::ip_fragment: ++stats.ip_fragments; break;
          case ParseResult::malformed: ++stats.malformed; break;
        }
        break;
      case NextOutcome::timeout: {
        timespec now{};
        clock_gettime(CLOCK_REALTIME, &now);
        sink.on_idle({int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec});
        break;
      }
      case NextOutcome::end:
      case NextOutcome::error:
        reading = false;
        break;
    }
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) reading = false;
  }
  table.finish();
  stats.truncated = result.error.kind == CaptureErrorKind::truncated;
  stats.flows = table.stats().flows;
  stats.gaps = table.stats().gaps;
  stats.lost_bytes = table.stats().lost_bytes;
  stats.evicted_flows = table.stats().evicted;
  return result;
}

}  // namespace

CaptureReader::CaptureReader(CaptureOptions options) : options_(std::move(options)) {}

CaptureResult CaptureReader::run_file(const std::string& path, FlowSink& sink) {
  OpenedSource opened = PcapSource::open_file(path);
  if (opened.error.failed()) return {{}, std::move(opened.error)};
  return drain(*opened.source, options_, sink, nullptr);
}

CaptureResult CaptureReader::run_live(const std::string& interface, const std::string& bpf_filter,
                                      FlowSink& sink, const std::atomic<bool>& stop) {
  OpenedSource opened = PcapSource::open_live(interface, bpf_filter);
  if (opened.error.failed()) return {{}, std::move(opened.error)};
  return drain(*opened.source, options_, sink, &stop);
}

}  // namespace zkwire::capture
