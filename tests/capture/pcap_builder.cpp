// Byte-level encoding of link headers, IP, TCP and the pcap/pcapng file formats for tests.
#include "tests/capture/pcap_builder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <stdexcept>

namespace zkwire::capture::testing {
namespace {

void put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v >> 16));
  put16(out, static_cast<uint16_t>(v));
}
void put16le(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put32le(Bytes& out, uint32_t v) {
  put16le(out, static_cast<uint16_t>(v));
  put16le(out, static_cast<uint16_t>(v >> 16));
}
void set16(Bytes& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

Bytes address_bytes(const std::string& text) {
  Bytes out(is_v6(text) ? 16 : 4);
  if (inet_pton(is_v6(text) ? AF_INET6 : AF_INET, text.c_str(), out.data()) != 1) {
    throw std::invalid_argument("bad address " + text);
  }
  return out;
}

Bytes tcp_header_and_payload(const Tcp& s) {
  Bytes out;
  put16(out, s.sport);
  put16(out, s.dport);
  put32(out, s.seq);
  put32(out, s.ack);
  out.push_back(5 << 4);  // no TCP options
  out.push_back(s.flags);
  put16(out, 65535);  // window
  put16(out, 0);      // checksum: nothing here verifies it
  put16(out, 0);      // urgent pointer
  out.insert(out.end(), s.payload.begin(), s.payload.end());
  return out;
}

}  // namespace

int dlt_of(Link link) {
  switch (link) {
    case Link::ethernet:
    case Link::ethernet_vlan:
    case Link::ethernet_qinq: return DLT_EN10MB;
    case Link::null_host_order: return DLT_NULL;
    case Link::loop_network_order: return DLT_LOOP;
    case Link::linux_sll: return DLT_LINUX_SLL;
    case Link::linux_sll2: return DLT_LINUX_SLL2;
    case Link::raw: return DLT_RAW;
    case Link::raw_ipv4: return DLT_IPV4;
    case Link::raw_ipv6: return DLT_IPV6;
  }
  return -1;
}

Bytes ip_packet(const Tcp& s) {
  const Bytes tcp = tcp_header_and_payload(s);
  const Bytes src = address_bytes(s.src);
  const Bytes dst = address_bytes(s.dst);
  Bytes out;
  if (is_v6(s.src)) {
    put32(out, 0x60000000);
    put16(out, static_cast<uint16_t>(tcp.size()));
    out.push_back(6);   // next header: TCP
    out.push_back(64);  // hop limit
  } else {
    const size_t header = 20 + s.ipv4_option_bytes;
    out.push_back(static_cast<uint8_t>(0x40 | header / 4));
    out.push_back(0);
    put16(out, static_cast<uint16_t>(header + tcp.size()));
    put32(out, 0x00004000);  // id 0, don't fragment
    out.push_back(64);       // TTL
    out.push_back(6);        // TCP
    put16(out, 0);           // checksum
  }
  out.insert(out.end(), src.begin(), src.end());
  out.insert(out.end(), dst.begin(), dst.end());
  if (!is_v6(s.src)) out.insert(out.end(), s.ipv4_option_bytes, 1);  // NOP options
  out.insert(out.end(), tcp.begin(), tcp.end());
  return out;
}

Bytes with_ipv6_extension(Bytes packet, uint8_t type, size_t length) {
  Bytes extension(length, 0);
  extension[0] = packet[6];  // the extension points at whatever came next before
  extension[1] = static_cast<uint8_t>(type == 44 ? 0 : length / 8 - 1);
  packet[6] = type;
  set16(packet, 4, static_cast<uint16_t>(packet[4] << 8 | packet[5]) + length);
  packet.insert(packet.begin() + 40, extension.begin(), extension.end());
  return packet;
}

Bytes as_ipv4_fragment(Bytes packet, uint16_t offset, bool more_fragments) {
  set16(packet, 6, static_cast<uint16_t>((more_fragments ? 0x2000 : 0) | (offset & 0x1FFF)));
  return packet;
}

Bytes link_frame(Link link, std::span<const uint8_t> ip) {
  const bool v6 = !ip.empty() && (ip[0] >> 4) == 6;
  const uint16_t ethertype = v6 ? 0x86DD : 0x0800;
  Bytes out;
  auto ethernet_addresses = [&] {
    const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    out.insert(out.end(), std::begin(macs), std::end(macs));
  };
  switch (link) {
    case Link::ethernet:
      ethernet_addresses();
      put16(out, ethertype);
      break;
    case Link::ethernet_vlan:
      ethernet_addresses();
      put16(out, 0x8100);
      put16(out, 42);
      put16(out, ethertype);
      break;
    case Link::ethernet_qinq:
      ethernet_addresses();
      put16(out, 0x88A8);
      put16(out, 7);
      put16(out, 0x8100);
      put16(out, 42);
      put16(out, ethertype);
      break;
    case Link::null_host_order:
      put32le(out, v6 ? 10 : 2);  // Linux's AF_INET6 / AF_INET
      break;
    case Link::loop_network_order:
      put32(out, v6 ? 24 : 2);  // OpenBSD's AF_INET6 / AF_INET
      break;
    case Link::linux_sll:
      put16(out, 0);  // packet type: to us
      put16(out, 772);  // ARPHRD_LOOPBACK
      put16(out, 6);
      out.insert(out.end(), 8, 0);
      put16(out, ethertype);
      break;
    case Link::linux_sll2:
      put16(out, ethertype);
      put16(out, 0);  // reserved
      put32(out, 1);  // interface index
      put16(out, 1);  // ARPHRD_ETHER
      out.push_back(0);
      out.push_back(6);
      out.insert(out.end(), 8, 0);
      break;
    case Link::raw:
    case Link::raw_ipv4:
    case Link::raw_ipv6:
      break;
  }
  out.insert(out.end(), ip.begin(), ip.end());
  return out;
}

PcapBuilder::PcapBuilder(Link link, uint32_t snaplen) : link_(link), snaplen_(snaplen) {}

PcapBuilder& PcapBuilder::add(const Tcp& segment) {
  return add_frame(link_frame(link_, ip_packet(segment)));
}

PcapBuilder& PcapBuilder::add_frame(Bytes frame, uint32_t wire_length) {
  if (frame.size() < pad_to_) frame.resize(pad_to_, 0);
  if (wire_length == 0) wire_length = static_cast<uint32_t>(frame.size());
  if (frame.size() > snaplen_) frame.resize(snaplen_);
  packets_.push_back({next_ts_, std::move(frame), wire_length});
  next_ts_.ns += 1'000'000;
  return *this;
}

PcapBuilder& PcapBuilder::pad_frames_to(size_t length) {
  pad_to_ = length;
  return *this;
}

PcapBuilder& PcapBuilder::at(Timestamp ts) {
  next_ts_ = ts;
  return *this;
}

Bytes PcapBuilder::pcap() const {
  Bytes out;
  put32le(out, 0xA1B23C4D);  // nanosecond-resolution magic
  put16le(out, 2);
  put16le(out, 4);
  put32le(out, 0);  // thiszone
  put32le(out, 0);  // sigfigs
  put32le(out, snaplen_);
  put32le(out, static_cast<uint32_t>(dlt_of(link_)));
  for (const Packet& p : packets_) {
    put32le(out, static_cast<uint32_t>(p.ts.ns / 1'000'000'000));
    put32le(out, static_cast<uint32_t>(p.ts.ns % 1'000'000'000));
    put32le(out, static_cast<uint32_t>(p.frame.size()));
    put32le(out, p.wire_length);
    out.insert(out.end(), p.frame.begin(), p.frame.end());
  }
  return out;
}

size_t PcapBuilder::pcap_offset_of(size_t index) const {
  size_t offset = 24;
  for (size_t i = 0; i < index; ++i) offset += 16 + packets_[i].frame.size();
  return offset;
}

Bytes PcapBuilder::pcapng() const {
  Bytes out;
  auto block = [&](uint32_t type, const Bytes& body) {
    const auto total = static_cast<uint32_t>(12 + body.size());
    put32le(out, type);
    put32le(out, total);
    out.insert(out.end(), body.begin(), body.end());
    put32le(out, total);
  };
  Bytes section;
  put32le(section, 0x1A2B3C4D);  // byte-order magic
  put16le(section, 1);
  put16le(section, 0);
  put32le(section, 0xFFFFFFFF);  // section length unknown
  put32le(section, 0xFFFFFFFF);
  block(0x0A0D0D0A, section);

  Bytes interface;
  put16le(interface, static_cast<uint16_t>(dlt_of(link_)));
  put16le(interface, 0);
  put32le(interface, snaplen_);
  put16le(interface, 9);  // if_tsresol: 10^-9 seconds
  put16le(interface, 1);
  interface.insert(interface.end(), {9, 0, 0, 0});
  put32le(interface, 0);  // end of options
  block(1, interface);

  for (const Packet& p : packets_) {
    Bytes enhanced;
    const auto ns = static_cast<uint64_t>(p.ts.ns);
    put32le(enhanced, 0);  // interface id
    put32le(enhanced, static_cast<uint32_t>(ns >> 32));
    put32le(enhanced, static_cast<uint32_t>(ns));
    put32le(enhanced, static_cast<uint32_t>(p.frame.size()));
    put32le(enhanced, p.wire_length);
    enhanced.insert(enhanced.end(), p.frame.begin(), p.frame.end());
    enhanced.resize((enhanced.size() + 3) / 4 * 4, 0);
    block(6, enhanced);
  }
  return out;
}

TempFile::TempFile(std::span<const uint8_t> contents) {
  static std::atomic<int> counter{0};
  path_ = ::testing::TempDir() + "zkwire_capture_" + std::to_string(getpid()) + "_" +
          std::to_string(counter++) + ".pcap";
  FILE* file = std::fopen(path_.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot create " + path_);
  std::fwrite(contents.data(), 1, contents.size(), file);
  std::fclose(file);
}

TempFile::TempFile(const std::string& contents)
    : TempFile(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(contents.data()),
                                        contents.size())) {}

TempFile::~TempFile() { std::remove(path_.c_str()); }

}  // namespace zkwire::capture::testing
