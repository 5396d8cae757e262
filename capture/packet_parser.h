// Taking one captured frame apart, link layer to TCP, without trusting a single length in it.
#pragma once
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

#include "capture/flow_types.h"

namespace zkwire::capture {

// The link layers we can take apart, as named by libpcap's DLT values.
enum class LinkLayer : uint8_t {
  ethernet,      // DLT_EN10MB, with any number of 802.1Q / 802.1ad tags
  bsd_loopback,  // DLT_NULL and DLT_LOOP: a 4-byte address family in either byte order
  linux_sll,     // DLT_LINUX_SLL, "tcpdump -i any" before libpcap 1.10
  linux_sll2,    // DLT_LINUX_SLL2, "tcpdump -i any" since libpcap 1.10
  raw_ip,        // DLT_RAW: IPv4 or IPv6, told apart by the version nibble
  raw_ipv4,      // DLT_IPV4
  raw_ipv6,      // DLT_IPV6
};

std::optional<LinkLayer> link_layer_for_dlt(int dlt);

namespace tcp_flag {
constexpr uint8_t fin = 0x01;
constexpr uint8_t syn = 0x02;
constexpr uint8_t rst = 0x04;
constexpr uint8_t psh = 0x08;
constexpr uint8_t ack = 0x10;
}  // namespace tcp_flag

struct TcpSegment {
  Endpoint src;
  Endpoint dst;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  std::span<const uint8_t> payload;  // the captured part, pointing into the frame
  uint32_t lost_tail = 0;            // payload bytes the snap length cut off

  bool has(uint8_t flag) const { return (flags & flag) != 0; }
  uint32_t wire_payload_length() const {
    return static_cast<uint32_t>(payload.size()) + lost_tail;
  }
};

enum class ParseResult : uint8_t { tcp, not_tcp, ip_fragment, malformed };

// Ethernet II, IPv4 with a 20-byte header, not a fragment, TCP, and every byte of it captured: nearly every packet
// of a capture, taken apart in one pass. False for anything else, which the general parser then takes (and gives
// these the same result: this is only its shortest path). Inline, so the read loop makes no call for it.
inline bool parse_plain_ethernet_ipv4_tcp(std::span<const uint8_t> frame, TcpSegment& out) {
  constexpr size_t ethernet = 14, ipv4 = 20;
  const auto be16 = [](const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); };
  const auto be32 = [](const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
  };
  if (frame.size() < ethernet + ipv4 + 20) return false;
  const uint8_t* ip = frame.data() + ethernet;
  if (be16(&frame[12]) != 0x0800 || ip[0] != 0x45 || ip[9] != 6) return false;  // IPv4, no options, TCP
  const size_t total = be16(&ip[2]);
  if (total < ipv4 + 20 || total > frame.size() - ethernet || (be16(&ip[6]) & 0x3FFF) != 0) return false;
  const uint8_t* tcp = ip + ipv4;
  const size_t tcp_bytes = total - ipv4;
  const size_t header_length = size_t{static_cast<uint8_t>(tcp[12] >> 4)} * 4;
  if (header_length < 20 || header_length > tcp_bytes) return false;
  out.src.addr = {};
  out.dst.addr = {};
  std::memcpy(out.src.addr.data(), &ip[12], 4);
  std::memcpy(out.dst.addr.data(), &ip[16], 4);
  out.src.is_v6 = out.dst.is_v6 = false;
  out.src.port = be16(&tcp[0]);
  out.dst.port = be16(&tcp[2]);
  out.seq = be32(&tcp[4]);
  out.ack = be32(&tcp[8]);
  out.flags = tcp[13];
  out.payload = {tcp + header_length, tcp_bytes - header_length};
  out.lost_tail = 0;
  return true;
}

// Every link layer, IPv4 and IPv6 with options and extension headers, frames cut by the snap length.
ParseResult parse_packet_generally(LinkLayer link, std::span<const uint8_t> captured, uint32_t wire_length,
                                   TcpSegment& out);

// `wire_length` is the frame's original length; when it exceeds the captured bytes the
// snap length cut the frame and the missing payload is reported in `lost_tail`.
// `out` is only meaningful when the result is ParseResult::tcp.
inline ParseResult parse_packet(LinkLayer link, std::span<const uint8_t> captured, uint32_t wire_length,
                                TcpSegment& out) {
  if (link == LinkLayer::ethernet && parse_plain_ethernet_ipv4_tcp(captured, out)) return ParseResult::tcp;
  return parse_packet_generally(link, captured, wire_length, out);
}

}  // namespace zkwire::capture
