// Link layer, IPv4/IPv6 and TCP header parsing with every offset checked against the capture.
#include "capture/packet_parser.h"

#include <pcap/dlt.h>

#include <algorithm>
#include <cstring>

namespace zkwire::capture {
namespace {

constexpr uint16_t ethertype_ipv4 = 0x0800;
constexpr uint16_t ethertype_ipv6 = 0x86DD;
constexpr uint16_t ethertype_vlan = 0x8100;
constexpr uint16_t ethertype_qinq = 0x88A8;
constexpr uint16_t ethertype_qinq_legacy = 0x9100;
constexpr int linktype_raw = 101;  // the on-disk number, in case libpcap hands it through unmapped

constexpr uint8_t ip_proto_tcp = 6;
constexpr uint8_t ipv6_hop_by_hop = 0;
constexpr uint8_t ipv6_routing = 43;
constexpr uint8_t ipv6_fragment = 44;
constexpr uint8_t ipv6_auth = 51;
constexpr uint8_t ipv6_dest_options = 60;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
uint32_t le32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | uint32_t{p[0]};
}

enum class Network : uint8_t { ipv4, ipv6, other, malformed };

// Where the network header starts and what it is.
struct NetworkStart {
  Network kind = Network::malformed;
  size_t offset = 0;
};

NetworkStart after_ethertype(std::span<const uint8_t> frame, size_t type_at) {
  // VLAN tags may be stacked (802.1ad outside 802.1Q); each is 4 bytes ending in the next type.
  while (true) {
    if (frame.size() < type_at + 2) return {Network::malformed, 0};
    const uint16_t type = be16(&frame[type_at]);
    const size_t next = type_at + 2;
    if (type == ethertype_vlan || type == ethertype_qinq || type == ethertype_qinq_legacy) {
      type_at = next + 2;
      continue;
    }
    if (type == ethertype_ipv4) return {Network::ipv4, next};
    if (type == ethertype_ipv6) return {Network::ipv6, next};
    return {Network::other, next};
  }
}

NetworkStart from_ip_version(std::span<const uint8_t> frame) {
  if (frame.empty()) return {Network::malformed, 0};
  switch (frame[0] >> 4) {
    case 4: return {Network::ipv4, 0};
    case 6: return {Network::ipv6, 0};
    default: return {Network::malformed, 0};
  }
}

NetworkStart find_network(LinkLayer link, std::span<const uint8_t> frame) {
  switch (link) {
    case LinkLayer::ethernet:
      return after_ethertype(frame, 12);
    case LinkLayer::linux_sll:
      if (frame.size() < 16) return {Network::malformed, 0};
      return after_ethertype(frame, 14);
    case LinkLayer::linux_sll2: {
      constexpr size_t header = 20;
      if (frame.size() < header) return {Network::malformed, 0};
      const uint16_t type = be16(&frame[0]);
      if (type == ethertype_ipv4) return {Network::ipv4, header};
      if (type == ethertype_ipv6) return {Network::ipv6, header};
      return {Network::other, header};
    }
    case LinkLayer::bsd_loopback: {
      if (frame.size() < 4) return {Network::malformed, 0};
      // DLT_NULL stores the family in the capturing host's order, DLT_LOOP in network order;
      // every family number is small, so the order that yields a small value is the right one.
      uint32_t family = le32(&frame[0]);
      if (family > 0xFFFF) family = be32(&frame[0]);
      if (family == 2) return {Network::ipv4, 4};
      // AF_INET6 differs per OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30.
      if (family == 10 || family == 24 || family == 28 || family == 30) return {Network::ipv6, 4};
      return {Network::other, 4};
    }
    case LinkLayer::raw_ip:
      return from_ip_version(frame);
    case LinkLayer::raw_ipv4:
      return {Network::ipv4, 0};
    case LinkLayer::raw_ipv6:
      return {Network::ipv6, 0};
  }
  return {Network::malformed, 0};
}

// The IP payload as far as it was captured, and how much of it the snap length removed.
struct IpPayloadBounds {
  bool valid = false;
  size_t end = 0;      // exclusive, within the captured IP packet
  uint32_t lost = 0;   // bytes the IP header promises beyond the captured end
};

IpPayloadBounds bound_ip_packet(size_t captured, size_t header_length, size_t claimed_total,
                                uint32_t cut_by_snaplen) {
  // A zero length appears on captures of TSO/jumbo traffic; trust what was on the wire instead.
  if (claimed_total == 0) claimed_total = captured + cut_by_snaplen;
  if (claimed_total < header_length) return {};
  // Anything captured past the IP length is link padding (e.g. Ethernet's 60-byte minimum).
  if (claimed_total <= captured) return {true, claimed_total, 0};
  const size_t missing = claimed_total - captured;
  if (missing > cut_by_snaplen) return {};  // the header lies: it claims bytes never sent
  return {true, captured, static_cast<uint32_t>(missing)};
}

ParseResult parse_tcp(std::span<const uint8_t> segment, uint32_t lost, TcpSegment& out) {
  if (segment.size() < 20) return ParseResult::malformed;
  const size_t header_length = size_t{static_cast<uint8_t>(segment[12] >> 4)} * 4;
  if (header_length < 20 || header_length > segment.size()) return ParseResult::malformed;
  out.src.port = be16(&segment[0]);
  out.dst.port = be16(&segment[2]);
  out.seq = be32(&segment[4]);
  out.ack = be32(&segment[8]);
  out.flags = segment[13];
  out.payload = segment.subspan(header_length);
  out.lost_tail = lost;
  return ParseResult::tcp;
}

void set_address(Endpoint& endpoint, const uint8_t* bytes, bool is_v6) {
  endpoint.addr = {};
  std::memcpy(endpoint.addr.data(), bytes, is_v6 ? 16 : 4);
  endpoint.is_v6 = is_v6;
}

ParseResult parse_ipv4(std::span<const uint8_t> ip, uint32_t cut, TcpSegment& out) {
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return ParseResult::malformed;
  const size_t header_length = size_t{static_cast<uint8_t>(ip[0] & 0x0F)} * 4;
  if (header_length < 20 || header_length > ip.size()) return ParseResult::malformed;
  const auto bounds = bound_ip_packet(ip.size(), header_length, be16(&ip[2]), cut);
  if (!bounds.valid) return ParseResult::malformed;
  const uint16_t more_fragments_or_offset = be16(&ip[6]) & 0x3FFF;
  if (more_fragments_or_offset != 0) return ParseResult::ip_fragment;
  if (ip[9] != ip_proto_tcp) return ParseResult::not_tcp;
  set_address(out.src, &ip[12], false);
  set_address(out.dst, &ip[16], false);
  return parse_tcp(ip.subspan(header_length, bounds.end - header_length), bounds.lost, out);
}

ParseResult parse_ipv6(std::span<const uint8_t> ip, uint32_t cut, TcpSegment& out) {
  constexpr size_t fixed_header = 40;
  if (ip.size() < fixed_header || (ip[0] >> 4) != 6) return ParseResult::malformed;
  const auto bounds = bound_ip_packet(ip.size(), fixed_header, fixed_header + be16(&ip[4]), cut);
  if (!bounds.valid) return ParseResult::malformed;
  uint8_t next_header = ip[6];
  size_t offset = fixed_header;
  while (true) {
    switch (next_header) {
      case ip_proto_tcp:
        set_address(out.src, &ip[8], true);
        set_address(out.dst, &ip[24], true);
        return parse_tcp(ip.subspan(offset, bounds.end - offset), bounds.lost, out);
      case ipv6_fragment:
        return ParseResult::ip_fragment;
      case ipv6_hop_by_hop:
      case ipv6_routing:
      case ipv6_dest_options:
      case ipv6_auth: {
        if (offset + 2 > bounds.end) return ParseResult::malformed;
        const size_t length = next_header == ipv6_auth ? (size_t{ip[offset + 1]} + 2) * 4
                                                       : (size_t{ip[offset + 1]} + 1) * 8;
        next_header = ip[offset];
        offset += length;
        if (offset > bounds.end) return ParseResult::malformed;
        break;
      }
      default:
        return ParseResult::not_tcp;
    }
  }
}

}  // namespace

std::optional<LinkLayer> link_layer_for_dlt(int dlt) {
  switch (dlt) {
    case DLT_EN10MB: return LinkLayer::ethernet;
    case DLT_NULL:
    case DLT_LOOP: return LinkLayer::bsd_loopback;
    case DLT_LINUX_SLL: return LinkLayer::linux_sll;
    case DLT_LINUX_SLL2: return LinkLayer::linux_sll2;
    case DLT_RAW:
    case linktype_raw: return LinkLayer::raw_ip;
    case DLT_IPV4: return LinkLayer::raw_ipv4;
    case DLT_IPV6: return LinkLayer::raw_ipv6;
    default: return std::nullopt;
  }
}

ParseResult parse_packet_generally(LinkLayer link, std::span<const uint8_t> captured, uint32_t wire_length,
                                   TcpSegment& out) {
  const uint32_t cut =
      wire_length > captured.size() ? wire_length - static_cast<uint32_t>(captured.size()) : 0;
  const NetworkStart network = find_network(link, captured);
  switch (network.kind) {
    case Network::ipv4: return parse_ipv4(captured.subspan(network.offset), cut, out);
    case Network::ipv6: return parse_ipv6(captured.subspan(network.offset), cut, out);
    case Network::other: return ParseResult::not_tcp;
    case Network::malformed: return ParseResult::malformed;
  }
  return ParseResult::malformed;
}

}  // namespace zkwire::capture
