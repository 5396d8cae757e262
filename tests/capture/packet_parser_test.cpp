// Taking frames apart: headers, padding, cut frames, fragments, non-TCP and garbage.
#include "capture/packet_parser.h"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <algorithm>
#include <random>
#include <string>

#include "tests/capture/capture_run.h"
#include "tests/capture/pcap_builder.h"

namespace zkwire::capture {
namespace {

using testing::Bytes;
using testing::Link;
using testing::Tcp;
namespace flag = testing::flag;

std::string text(std::span<const uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

// `out.payload` points into `frame`, so callers keep the frame alive while they look at it.
ParseResult parse(const Bytes& frame, TcpSegment& out, LinkLayer link = LinkLayer::ethernet,
                  uint32_t wire_length = 0) {
  return parse_packet(link, frame,
                      wire_length ? wire_length : static_cast<uint32_t>(frame.size()), out);
}

const Tcp sample{"10.1.2.3", 1234, "10.9.8.7", 2181, 0x01020304, 0x0A0B0C0D,
                 flag::ack | flag::psh, "payload"};

TEST(PacketParser, ReadsEveryTcpField) {
  const Bytes frame = testing::link_frame(Link::ethernet, testing::ip_packet(sample));
  TcpSegment segment;
  ASSERT_EQ(parse(frame, segment), ParseResult::tcp);
  EXPECT_EQ(segment.src.to_string(), "10.1.2.3:1234");
  EXPECT_EQ(segment.dst.to_string(), "10.9.8.7:2181");
  EXPECT_EQ(segment.seq, 0x01020304u);
  EXPECT_EQ(segment.ack, 0x0A0B0C0Du);
  EXPECT_EQ(segment.flags, flag::ack | flag::psh);
  EXPECT_EQ(text(segment.payload), "payload");
  EXPECT_EQ(segment.lost_tail, 0u);
}

TEST(PacketParser, SkipsIpv4Options) {
  Tcp with_options = sample;
  with_options.ipv4_option_bytes = 12;
  const Bytes frame = testing::link_frame(Link::ethernet, testing::ip_packet(with_options));
  TcpSegment segment;
  ASSERT_EQ(parse(frame, segment), ParseResult::tcp);
  EXPECT_EQ(text(segment.payload), "payload");
}

TEST(PacketParser, EthernetPaddingIsNotPayload) {
  Tcp tiny = sample;
  tiny.payload = "ab";
  Bytes frame = testing::link_frame(Link::ethernet, testing::ip_packet(tiny));
  frame.resize(60, 0xEE);  // the 60-byte Ethernet minimum
  TcpSegment segment;
  ASSERT_EQ(parse(frame, segment), ParseResult::tcp);
  EXPECT_EQ(text(segment.payload), "ab");
}

TEST(PacketParser, PaddingNeverReachesTheSink) {
  testing::PcapBuilder capture;
  capture.pad_frames_to(60);
  capture.add(testing::from_client(1, "a", flag::ack | flag::psh, 1));
  capture.add(testing::from_client(2, "b", flag::ack | flag::psh, 1));
  const auto run = testing::run_capture(capture);
  EXPECT_EQ(run.sink.only_flow().client_bytes, "ab");
}

TEST(PacketParser, SkipsIpv6ExtensionHeaders) {
  Tcp v6 = sample;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8::2";
  Bytes packet = testing::ip_packet(v6);
  packet = testing::with_ipv6_extension(packet, 60, 16);  // destination options
  packet = testing::with_ipv6_extension(packet, 43, 8);   // routing
  packet = testing::with_ipv6_extension(packet, 0, 8);    // hop-by-hop
  const Bytes frame = testing::link_frame(Link::ethernet, packet);
  TcpSegment segment;
  ASSERT_EQ(parse(frame, segment), ParseResult::tcp);
  EXPECT_EQ(segment.src.to_string(), "[2001:db8::1]:1234");
  EXPECT_EQ(text(segment.payload), "payload");
}

TEST(PacketParser, Ipv6FragmentsAreSkipped) {
  Tcp v6 = sample;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8::2";
  const Bytes packet = testing::with_ipv6_extension(testing::ip_packet(v6), 44, 8);
  TcpSegment segment;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, packet), segment), ParseResult::ip_fragment);
}

TEST(PacketParser, Ipv4FragmentsAreSkipped) {
  const Bytes first = testing::as_ipv4_fragment(testing::ip_packet(sample), 0, true);
  const Bytes later = testing::as_ipv4_fragment(testing::ip_packet(sample), 185, false);
  TcpSegment segment;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, first), segment), ParseResult::ip_fragment);
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, later), segment), ParseResult::ip_fragment);
}

TEST(PacketParser, FragmentsAreCountedAndNothingIsDelivered) {
  testing::PcapBuilder capture;
  capture.add_frame(testing::link_frame(
      Link::ethernet, testing::as_ipv4_fragment(testing::ip_packet(sample), 0, true)));
  const auto run = testing::run_capture(capture);
  EXPECT_EQ(run.result.stats.ip_fragments, 1u);
  EXPECT_TRUE(run.sink.flows.empty());
}

TEST(PacketParser, NonTcpIsRecognisedAndCounted) {
  Bytes udp = testing::ip_packet(sample);
  udp[9] = 17;
  Bytes arp = testing::link_frame(Link::ethernet, testing::ip_packet(sample));
  arp[12] = 0x08;
  arp[13] = 0x06;
  TcpSegment segment;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, udp), segment), ParseResult::not_tcp);
  EXPECT_EQ(parse(arp, segment), ParseResult::not_tcp);

  testing::PcapBuilder capture;
  capture.add_frame(testing::link_frame(Link::ethernet, udp));
  capture.add_frame(arp);
  capture.add(testing::from_client(1, "x", flag::ack, 1));
  const auto run = testing::run_capture(capture);
  EXPECT_EQ(run.result.stats.non_tcp, 2u);
  EXPECT_EQ(run.result.stats.tcp_segments, 1u);
}

TEST(PacketParser, FrameCutBySnapLengthReportsTheMissingPayload) {
  Tcp big = sample;
  big.payload = std::string(100, 'x');
  Bytes frame = testing::link_frame(Link::ethernet, testing::ip_packet(big));
  const auto wire_length = static_cast<uint32_t>(frame.size());
  frame.resize(frame.size() - 60);
  TcpSegment segment;
  ASSERT_EQ(parse(frame, segment, LinkLayer::ethernet, wire_length), ParseResult::tcp);
  EXPECT_EQ(segment.payload.size(), 40u);
  EXPECT_EQ(segment.lost_tail, 60u);
}

TEST(PacketParser, CutFramesBecomeGapsAndTheStreamGoesOn) {
  testing::PcapBuilder capture(Link::ethernet, 14 + 20 + 20 + 4);  // 4 payload bytes kept
  capture.add(testing::from_client(1, "abcdefgh", flag::ack | flag::psh, 1));
  capture.add(testing::from_client(9, "ijkl", flag::ack | flag::psh, 1));
  const auto run = testing::run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "abcd????ijkl");
  EXPECT_EQ(run.result.stats.malformed, 0u);
}

TEST(PacketParser, LengthsThatClaimUncapturedBytesAreMalformed) {
  Bytes packet = testing::ip_packet(sample);
  packet[2] = 0x05;  // total length 1280+, but the frame was captured whole
  TcpSegment segment;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, packet), segment), ParseResult::malformed);
}

TEST(PacketParser, BadHeaderLengthsAreMalformed) {
  TcpSegment segment;
  Bytes short_ihl = testing::ip_packet(sample);
  short_ihl[0] = 0x44;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, short_ihl), segment), ParseResult::malformed);
  Bytes long_ihl = testing::ip_packet(sample);
  long_ihl[0] = 0x4F;
  long_ihl.resize(40);
  long_ihl[2] = 0;
  long_ihl[3] = 40;
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, long_ihl), segment), ParseResult::malformed);
  Bytes tcp_offset = testing::ip_packet(sample);
  tcp_offset[20 + 12] = 0x30;  // data offset 3 words: shorter than a TCP header
  EXPECT_EQ(parse(testing::link_frame(Link::ethernet, tcp_offset), segment), ParseResult::malformed);
  Bytes wrong_version = testing::ip_packet(sample);
  wrong_version[0] = 0x55;
  EXPECT_EQ(parse(wrong_version, segment, LinkLayer::raw_ip), ParseResult::malformed);
}

// Plain Ethernet and IPv4 take a shorter path than tagged frames: the same packet must read the same either way.
TEST(PacketParser, PlainEthernetReadsAsATaggedFrameDoes) {
  auto same = [](const TcpSegment& a, const TcpSegment& b) {
    return a.src == b.src && a.dst == b.dst && a.seq == b.seq && a.ack == b.ack && a.flags == b.flags &&
           text(a.payload) == text(b.payload) && a.lost_tail == b.lost_tail;
  };
  for (const char* payload : {"", "ab", "payload", "a longer payload than the Ethernet minimum pads out"}) {
    for (uint8_t flags : {flag::syn, uint8_t(flag::syn | flag::ack), uint8_t(flag::ack | flag::psh), flag::fin,
                          flag::rst}) {
      for (size_t padding : {size_t{0}, size_t{6}, size_t{146}}) {  // link padding after the IP packet
        for (size_t snapped : {size_t{0}, size_t{5}}) {
          Tcp spec = sample;
          spec.payload = payload;
          spec.flags = flags;
          Bytes plain = testing::link_frame(Link::ethernet, testing::ip_packet(spec));
          Bytes tagged = testing::link_frame(Link::ethernet_qinq, testing::ip_packet(spec));
          const auto wire = [&](Bytes& frame) {
            frame.resize(frame.size() + padding, 0xEE);
            const auto length = static_cast<uint32_t>(frame.size());
            frame.resize(frame.size() - std::min(snapped, frame.size()));
            return length;
          };
          const uint32_t plain_wire = wire(plain), tagged_wire = wire(tagged);
          TcpSegment a, b;
          const ParseResult ra = parse(plain, a, LinkLayer::ethernet, plain_wire);
          const ParseResult rb = parse(tagged, b, LinkLayer::ethernet, tagged_wire);
          SCOPED_TRACE(std::string("payload '") + payload + "', padding " + std::to_string(padding) +
                       ", snapped " + std::to_string(snapped));
          ASSERT_EQ(ra, rb);
          if (ra == ParseResult::tcp) {
            EXPECT_TRUE(same(a, b));
          }
        }
      }
    }
  }
}

TEST(PacketParser, EveryTruncationOfAFrameIsHandled) {
  for (Link link : {Link::ethernet, Link::ethernet_qinq, Link::linux_sll2, Link::null_host_order}) {
    for (const char* src : {"10.1.2.3", "2001:db8::1"}) {
      Tcp segment_spec = sample;
      segment_spec.src = src;
      segment_spec.dst = segment_spec.src == "10.1.2.3" ? "10.9.8.7" : "2001:db8::2";
      Bytes ip = testing::ip_packet(segment_spec);
      if (ip[0] >> 4 == 6) ip = testing::with_ipv6_extension(ip, 0, 8);
      const Bytes frame = testing::link_frame(link, ip);
      const LinkLayer layer = *link_layer_for_dlt(testing::dlt_of(link));
      for (size_t length = 0; length < frame.size(); ++length) {
        const Bytes cut(frame.begin(), frame.begin() + static_cast<ptrdiff_t>(length));
        TcpSegment segment;
        const ParseResult as_captured = parse(cut, segment, layer);
        EXPECT_EQ(as_captured, ParseResult::malformed) << "length " << length;
        const ParseResult as_snapped =
            parse(cut, segment, layer, static_cast<uint32_t>(frame.size()));
        if (as_snapped == ParseResult::tcp) {
          EXPECT_EQ(segment.payload.size() + segment.lost_tail, sample.payload.size());
        } else {
          EXPECT_EQ(as_snapped, ParseResult::malformed) << "length " << length;
        }
      }
    }
  }
}

TEST(PacketParser, GarbageNeverCrashesAndIsCountedAsMalformed) {
  std::mt19937 random(12345);
  testing::PcapBuilder capture;
  const Bytes valid = testing::link_frame(Link::ethernet, testing::ip_packet(sample));
  uint64_t frames = 0;
  for (int i = 0; i < 2000; ++i) {
    Bytes frame;
    if (i % 2 == 0) {
      frame.resize(random() % 120);
      for (auto& b : frame) b = static_cast<uint8_t>(random());
    } else {
      frame = valid;  // a valid frame with a few bytes flipped
      for (int flips = 0; flips < 3; ++flips) frame[random() % frame.size()] ^= random() | 1;
    }
    capture.add_frame(frame, static_cast<uint32_t>(frame.size() + (i % 7 == 0 ? 10 : 0)));
    ++frames;
  }
  const auto run = testing::run_capture(capture);
  const CaptureStats& stats = run.result.stats;
  EXPECT_FALSE(run.result.error.failed());
  EXPECT_EQ(stats.packets, frames);
  EXPECT_EQ(stats.tcp_segments + stats.non_tcp + stats.malformed + stats.ip_fragments, frames);
  EXPECT_GT(stats.malformed, 100u);  // random ethertypes mostly read as non-TCP instead
}

TEST(PacketParser, KnowsWhichLinkTypesItSupports) {
  EXPECT_EQ(link_layer_for_dlt(DLT_EN10MB), LinkLayer::ethernet);
  EXPECT_EQ(link_layer_for_dlt(DLT_NULL), LinkLayer::bsd_loopback);
  EXPECT_EQ(link_layer_for_dlt(DLT_LOOP), LinkLayer::bsd_loopback);
  EXPECT_EQ(link_layer_for_dlt(DLT_LINUX_SLL), LinkLayer::linux_sll);
  EXPECT_EQ(link_layer_for_dlt(DLT_LINUX_SLL2), LinkLayer::linux_sll2);
  EXPECT_EQ(link_layer_for_dlt(DLT_RAW), LinkLayer::raw_ip);
  EXPECT_EQ(link_layer_for_dlt(DLT_IPV4), LinkLayer::raw_ipv4);
  EXPECT_EQ(link_layer_for_dlt(DLT_IPV6), LinkLayer::raw_ipv6);
  EXPECT_FALSE(link_layer_for_dlt(DLT_IEEE802_11).has_value());
}

}  // namespace
}  // namespace zkwire::capture

namespace zkwire::capture {
namespace {

TEST(EndpointText, AddressesAndPortsPrintAsPeopleWriteThem) {
  Endpoint v4;
  v4.addr = {0, 0, 0, 0};
  v4.port = 0;
  EXPECT_EQ(v4.to_string(), "0.0.0.0:0");
  v4.addr = {255, 10, 100, 1};
  v4.port = 65535;
  EXPECT_EQ(v4.to_string(), "255.10.100.1:65535");
  Endpoint v6;
  v6.is_v6 = true;
  v6.addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  v6.port = 2181;
  EXPECT_EQ(v6.to_string(), "[::1]:2181");
  v6.addr = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 0xab, 0xcd};
  EXPECT_EQ(v6.to_string(), "[fe80::1234:0:0:abcd]:2181");
}

}  // namespace
}  // namespace zkwire::capture
