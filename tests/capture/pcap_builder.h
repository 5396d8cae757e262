// Builds small pcap and pcapng captures, one TCP segment or raw frame at a time, for tests.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "capture/packet_parser.h"
#include "decoder/basics.h"

namespace zkwire::capture::testing {

using Bytes = std::vector<uint8_t>;

enum class Link {
  ethernet,
  ethernet_vlan,       // one 802.1Q tag
  ethernet_qinq,       // an 802.1ad tag around an 802.1Q tag
  null_host_order,     // DLT_NULL, family little-endian as a Linux/x86 host writes it
  loop_network_order,  // DLT_LOOP, family big-endian
  linux_sll,
  linux_sll2,
  raw,                 // DLT_RAW
  raw_ipv4,            // DLT_IPV4
  raw_ipv6,            // DLT_IPV6
};

int dlt_of(Link link);

namespace flag = ::zkwire::capture::tcp_flag;  // the RFC 793 bits, as the parser names them

struct Tcp {
  std::string src = "10.0.0.1";  // an address with ':' makes an IPv6 packet
  uint16_t sport = 40000;
  std::string dst = "10.0.0.2";
  uint16_t dport = 2181;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = flag::ack;
  std::string payload;
  size_t ipv4_option_bytes = 0;  // a multiple of 4, filled with NOPs
};

// The IPv4 or IPv6 packet carrying `segment`.
Bytes ip_packet(const Tcp& segment);
// Puts an IPv6 extension header (hop-by-hop 0, routing 43, fragment 44, dest options 60)
// of `length` bytes (a multiple of 8) right after the fixed header.
Bytes with_ipv6_extension(Bytes ipv6_packet, uint8_t type, size_t length);
// Marks an IPv4 packet as a fragment.
Bytes as_ipv4_fragment(Bytes ipv4_packet, uint16_t offset_in_8_byte_units, bool more_fragments);
// Wraps an IP packet in `link`'s header.
Bytes link_frame(Link link, std::span<const uint8_t> ip);

class PcapBuilder {
 public:
  explicit PcapBuilder(Link link = Link::ethernet, uint32_t snaplen = 262144);

  PcapBuilder& add(const Tcp& segment);
  // A frame of this builder's link type as given; `wire_length` 0 means "as captured".
  PcapBuilder& add_frame(Bytes frame, uint32_t wire_length = 0);
  // Frames shorter than this get zero bytes appended, like Ethernet's 60-byte minimum.
  PcapBuilder& pad_frames_to(size_t length);
  // Timestamp of the next packet; later ones follow 1 ms apart.
  PcapBuilder& at(Timestamp ts);

  Bytes pcap() const;    // classic pcap, nanosecond timestamps
  Bytes pcapng() const;  // one section, one interface, enhanced packet blocks
  size_t packet_count() const { return packets_.size(); }
  // Byte offset in pcap() where packet `index`'s record header starts.
  size_t pcap_offset_of(size_t index) const;

 private:
  struct Packet {
    Timestamp ts;
    Bytes frame;
    uint32_t wire_length;
  };
  Link link_;
  uint32_t snaplen_;
  size_t pad_to_ = 0;
  Timestamp next_ts_{1'700'000'000'000'000'000};
  std::vector<Packet> packets_;
};

// A file under the test temp dir, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::span<const uint8_t> contents);
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace zkwire::capture::testing
