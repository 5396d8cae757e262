// Reading a real capture into segments, and turning segments back into pcap bytes.
#include "tests/reassembly/segment_list.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "capture/packet_parser.h"
#include "capture/pcap_source.h"

namespace zkwire::reassembly_testing {
namespace {

std::string address_text(const capture::Endpoint& end) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(end.is_v6 ? AF_INET6 : AF_INET, end.addr.data(), text, sizeof text);
  return text;
}

}  // namespace

Segments read_capture(const std::string& name) {
  Segments out;
  capture::OpenedSource opened = capture::PcapSource::open_file(std::string(ZKWIRE_CAPTURES_DIR) + "/" + name);
  if (opened.error.failed()) {
    ADD_FAILURE() << name << ": " << opened.error.message;
    return out;
  }
  capture::RawPacket packet;
  capture::CaptureError error;
  capture::TcpSegment tcp;
  while (opened.source->next(packet, error) == capture::NextOutcome::packet) {
    auto parsed = capture::parse_packet(opened.source->link_layer(), packet.bytes, packet.wire_length, tcp);
    if (parsed != capture::ParseResult::tcp) {
      ADD_FAILURE() << name << ": packet " << out.size() << " is not TCP";
      continue;
    }
    // The real captures were taken with a 256 KiB snap length: nothing in them is cut.
    EXPECT_EQ(tcp.lost_tail, 0u);
    out.push_back({address_text(tcp.src), tcp.src.port, address_text(tcp.dst), tcp.dst.port, tcp.seq, tcp.ack,
                   tcp.flags, std::string(tcp.payload.begin(), tcp.payload.end()), packet.ts});
  }
  EXPECT_FALSE(error.failed()) << name << ": " << error.message;
  return out;
}

capture::testing::Bytes to_pcap(const Segments& segments) {
  capture::testing::PcapBuilder builder;
  for (const Segment& s : segments) {
    builder.at(s.ts).add({s.src, s.sport, s.dst, s.dport, s.seq, s.ack, s.flags, s.payload});
  }
  return builder.pcap();
}

}  // namespace zkwire::reassembly_testing
