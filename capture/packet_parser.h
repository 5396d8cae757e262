// Taking one captured frame apart, link layer to TCP, without trusting a single length in it.
#pragma once
#include <cstdint>
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

// `wire_length` is the frame's original length; when it exceeds the captured bytes the
// snap length cut the frame and the missing payload is reported in `lost_tail`.
// `out` is only meaningful when the result is ParseResult::tcp.
ParseResult parse_packet(LinkLayer link, std::span<const uint8_t> captured, uint32_t wire_length,
                         TcpSegment& out);

}  // namespace zkwire::capture
