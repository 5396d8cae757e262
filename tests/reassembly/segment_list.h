// A capture as an editable list of TCP segments: read from a real pcap, written back through pcap_builder.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "decoder/basics.h"
#include "tests/capture/pcap_builder.h"

namespace zkwire::reassembly_testing {

struct Segment {
  std::string src;  // IP address, as pcap_builder wants it
  uint16_t sport = 0;
  std::string dst;
  uint16_t dport = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  std::string payload;
  Timestamp ts;

  bool has(uint8_t flag) const { return (flags & flag) != 0; }
  bool carries_data() const { return !payload.empty(); }
  bool same_sender(const Segment& other) const { return src == other.src && sport == other.sport; }
};

using Segments = std::vector<Segment>;

// Every TCP segment of a file under captures/, in capture order; aborts the test on anything else.
Segments read_capture(const std::string& name);

// The segments as a classic pcap (Ethernet, as the real captures are), each at its own timestamp.
capture::testing::Bytes to_pcap(const Segments& segments);

}  // namespace zkwire::reassembly_testing
