// make_big_capture: a large, realistic capture for the analyze benchmark, made of many shifted copies of real sessions.
//
// usage: make_big_capture --out FILE --size-mb N [--concurrency C] CAPTURE[@EVERY]...
//
// The captures are replayed in rounds: each round starts one copy of every capture, except that CAPTURE@EVERY
// joins only every EVERY-th round (so a capture of few huge packets does not dominate). Copies start at an even
// pace chosen so that about C copies are open at once. Each copy gets its own client address (127.x.y.z, the
// ZooKeeper side keeps its own) and its own session ids, so every copy is a distinct connection and session to
// the analyser, as it would be in a busy ensemble. Classic pcap, Ethernet/IPv4 only: that is what the recorded
// captures are. Checksums other than the IPv4 header's are left as captured (loopback captures lack them).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "bench/pcap_records.h"

namespace {

using zkwire::bench::PcapFile;
using zkwire::bench::PcapWriter;

constexpr uint32_t kEthernet = 1;
constexpr size_t kEthernetHeader = 14;
constexpr size_t kRecordHeader = 16;  // what each packet costs in the file besides its bytes

bool is_server_port(uint16_t port) { return port >= 2181 && port <= 2189; }

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }
uint64_t be64(const uint8_t* p) { return uint64_t{be32(p)} << 32 | be32(p + 4); }
void put_be64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// What has to change in one packet for each copy.
struct PacketTemplate {
  int64_t offset_ns = 0;  // from the capture's first packet
  uint32_t wire_length = 0;
  std::vector<uint8_t> bytes;
  int ip_header = -1;       // where the IPv4 header starts; -1 when the packet is left as it is
  int client_address = -1;  // where the client's IPv4 address is
  std::vector<std::pair<uint32_t, uint32_t>> session_ids;  // (byte offset, global session index)
};

struct CaptureTemplate {
  std::string name;
  unsigned every = 1;  // rounds per copy
  std::vector<PacketTemplate> packets;
  uint64_t file_bytes = 0;  // what one copy adds to the output
  int64_t first_ns = 0;     // the recording's own date
  int64_t duration_ns = 0;
  uint32_t sessions = 0;
};

struct TcpView {
  int ip_header = -1;
  uint16_t src_port = 0, dst_port = 0;
  size_t payload = 0, payload_length = 0;
};

TcpView view_tcp(const std::vector<uint8_t>& b) {
  TcpView v;
  if (b.size() < kEthernetHeader + 20 || be16(&b[12]) != 0x0800) return v;
  const size_t ip = kEthernetHeader;
  const size_t ihl = (b[ip] & 0x0f) * 4u;
  if ((b[ip] >> 4) != 4 || ihl < 20 || b[ip + 9] != 6 || b.size() < ip + ihl + 20) return v;
  const size_t tcp = ip + ihl;
  const size_t data_offset = (b[tcp + 12] >> 4) * 4u;
  const size_t ip_end = std::min(b.size(), ip + be16(&b[ip + 2]));
  if (tcp + data_offset > ip_end) return v;
  v.ip_header = static_cast<int>(ip);
  v.src_port = be16(&b[tcp]);
  v.dst_port = be16(&b[tcp + 2]);
  v.payload = tcp + data_offset;
  v.payload_length = ip_end - v.payload;
  return v;
}

void fix_ipv4_checksum(uint8_t* ip) {
  const size_t ihl = (ip[0] & 0x0f) * 4u;
  ip[10] = ip[11] = 0;
  uint32_t sum = 0;
  for (size_t i = 0; i < ihl; i += 2) sum += be16(ip + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum);
  ip[10] = static_cast<uint8_t>(checksum >> 8);
  ip[11] = static_cast<uint8_t>(checksum);
}

// Session ids come from the server's first frame on each connection, a ConnectResponse
// (length 36, or 37 with readOnly; protocolVersion, timeOut, then the 8-byte sessionId).
std::vector<uint64_t> find_session_ids(const PcapFile& file) {
  std::vector<uint64_t> ids;
  std::map<uint32_t, bool> answered;  // by client port
  for (const auto& r : file.records) {
    const TcpView v = view_tcp(r.bytes);
    if (v.ip_header < 0 || !is_server_port(v.src_port) || v.payload_length < 20) continue;
    if (answered[v.dst_port]) continue;
    answered[v.dst_port] = true;
    const uint8_t* p = &r.bytes[v.payload];
    const uint32_t length = be32(p);
    if ((length != 36 && length != 37) || be32(p + 4) != 0) continue;
    const uint64_t id = be64(p + 12);
    if (id != 0 && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

bool load_template(const std::string& spec, std::vector<uint64_t>& all_sessions, CaptureTemplate& out,
                   std::string& error) {
  const size_t at = spec.rfind('@');
  out.name = spec.substr(0, at);
  if (at != std::string::npos) {
    const auto every = spec.substr(at + 1);
    if (std::from_chars(every.data(), every.data() + every.size(), out.every).ec != std::errc{} || out.every == 0) {
      error = "bad round count in " + spec;
      return false;
    }
  }
  PcapFile file;
  if (!zkwire::bench::read_pcap_file(out.name, file, error)) return false;
  if (file.link_type != kEthernet || file.records.empty()) {
    error = out.name + ": only non-empty Ethernet captures can be multiplied";
    return false;
  }
  const std::vector<uint64_t> ids = find_session_ids(file);
  std::vector<uint32_t> global(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    global[i] = static_cast<uint32_t>(all_sessions.size());
    all_sessions.push_back(ids[i]);
  }
  const int64_t first = file.records.front().ts_ns;
  out.first_ns = first;
  out.sessions = static_cast<uint32_t>(ids.size());
  for (auto& r : file.records) {
    PacketTemplate p;
    p.offset_ns = r.ts_ns - first;
    p.wire_length = r.wire_length;
    const TcpView v = view_tcp(r.bytes);
    if (v.ip_header >= 0 && (is_server_port(v.src_port) || is_server_port(v.dst_port))) {
      p.ip_header = v.ip_header;
      p.client_address = v.ip_header + (is_server_port(v.src_port) ? 16 : 12);
      // Every place a session id appears (ConnectRequest/Response, ephemeralOwner in a Stat...) gets the copy's.
      for (size_t i = v.payload; i + 8 <= v.payload + v.payload_length; ++i) {
        for (size_t s = 0; s < ids.size(); ++s) {
          if (be64(&r.bytes[i]) == ids[s]) p.session_ids.emplace_back(static_cast<uint32_t>(i), global[s]);
        }
      }
    }
    p.bytes = std::move(r.bytes);
    out.file_bytes += kRecordHeader + p.bytes.size();
    out.duration_ns = std::max(out.duration_ns, p.offset_ns);
    out.packets.push_back(std::move(p));
  }
  return true;
}

struct Options {
  std::string out;
  uint64_t size_bytes = 0;
  double concurrency = 500;
  std::vector<std::string> captures;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      o.out = argv[++i];
    } else if (a == "--size-mb" && i + 1 < argc) {
      o.size_bytes = std::stoull(argv[++i]) * 1'000'000;
    } else if (a == "--concurrency" && i + 1 < argc) {
      o.concurrency = std::stod(argv[++i]);
    } else if (!a.empty() && a[0] != '-') {
      o.captures.push_back(a);
    } else {
      return false;
    }
  }
  return !o.out.empty() && o.size_bytes > 0 && o.concurrency > 0 && !o.captures.empty();
}

// One copy being written: which capture, when it starts, how far it has got.
struct ActiveCopy {
  int64_t next_ns;
  uint32_t copy;
  uint32_t capture;
  size_t packet;
  bool operator>(const ActiveCopy& other) const {
    return next_ns != other.next_ns ? next_ns > other.next_ns : copy > other.copy;
  }
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: make_big_capture --out FILE --size-mb N [--concurrency C] CAPTURE[@EVERY]...\n");
    return 2;
  }
  std::string error;
  std::vector<uint64_t> sessions;
  std::vector<CaptureTemplate> captures(o.captures.size());
  for (size_t i = 0; i < captures.size(); ++i) {
    if (!load_template(o.captures[i], sessions, captures[i], error)) {
      std::fprintf(stderr, "make_big_capture: %s\n", error.c_str());
      return 1;
    }
  }

  // The order copies start in: rounds over the captures, the rare ones only in their rounds.
  std::vector<uint32_t> cycle;
  unsigned rounds = 1;
  for (const auto& c : captures) rounds = std::max(rounds, c.every);
  for (unsigned round = 0; round < rounds; ++round)
    for (uint32_t i = 0; i < captures.size(); ++i)
      if (round % captures[i].every == 0) cycle.push_back(i);
  // Copies open at once = mean copy duration / start interval (Little's law).
  double mean_duration = 0;
  for (uint32_t i : cycle) mean_duration += static_cast<double>(captures[i].duration_ns);
  mean_duration /= static_cast<double>(cycle.size());
  const auto interval_ns = static_cast<int64_t>(std::max(1.0, mean_duration / o.concurrency));

  PcapWriter writer;
  if (!writer.open(o.out, kEthernet, 262144, error)) {
    std::fprintf(stderr, "make_big_capture: %s\n", error.c_str());
    return 1;
  }
  // Copies keep the recordings' date, shifted forward from the earliest of them.
  int64_t epoch = INT64_MAX;
  for (const auto& c : captures) epoch = std::min(epoch, c.first_ns);

  std::priority_queue<ActiveCopy, std::vector<ActiveCopy>, std::greater<>> active;
  uint64_t planned = 24, packets = 0, copies = 0, copied_sessions = 0;
  size_t max_active = 0;
  double active_sum = 0;
  std::vector<uint8_t> scratch;
  uint32_t lcg = 12345;  // a little jitter in start times, the same on every run
  int64_t next_start = 0;
  while (true) {
    const bool can_start = planned < o.size_bytes;
    if (can_start && (active.empty() || next_start <= active.top().next_ns)) {
      const uint32_t capture = cycle[copies % cycle.size()];
      active.push({next_start, static_cast<uint32_t>(copies), capture, 0});
      planned += captures[capture].file_bytes;
      copied_sessions += captures[capture].sessions;
      ++copies;
      lcg = lcg * 1664525u + 1013904223u;
      next_start += interval_ns / 2 + static_cast<int64_t>((lcg >> 8) % static_cast<uint32_t>(interval_ns));
      max_active = std::max(max_active, active.size());
      continue;
    }
    if (active.empty()) break;
    ActiveCopy a = active.top();
    active.pop();
    const CaptureTemplate& c = captures[a.capture];
    const PacketTemplate& p = c.packets[a.packet];
    scratch.assign(p.bytes.begin(), p.bytes.end());
    if (p.ip_header >= 0) {
      const uint32_t client = 0x7f000002u + a.copy;  // 127.0.0.2 upwards: never the server's 127.0.0.1
      for (int i = 0; i < 4; ++i) scratch[p.client_address + i] = static_cast<uint8_t>(client >> (24 - 8 * i));
      fix_ipv4_checksum(&scratch[p.ip_header]);
      for (const auto& [offset, index] : p.session_ids) {
        // Keeps the server-id byte; the rest names the copy and which recorded session this is.
        const uint64_t original = sessions[index];
        put_be64(&scratch[offset], (original & 0xff00'0000'0000'0000ull) | (uint64_t{a.copy + 1} << 16) | index);
      }
    }
    writer.write(epoch + a.next_ns, p.wire_length, scratch.data(), static_cast<uint32_t>(scratch.size()));
    ++packets;
    active_sum += static_cast<double>(active.size() + 1);
    if (++a.packet < c.packets.size()) {
      a.next_ns += c.packets[a.packet].offset_ns - p.offset_ns;
      active.push(a);
    }
  }
  if (!writer.close()) {
    std::fprintf(stderr, "make_big_capture: writing %s failed\n", o.out.c_str());
    return 1;
  }
  std::printf("%s: %.1f MB, %llu packets, %llu copies (%llu sessions), %.0f s of traffic, "
              "%.0f copies open on average (at most %zu)\n",
              o.out.c_str(), static_cast<double>(writer.bytes_written()) / 1e6,
              static_cast<unsigned long long>(packets), static_cast<unsigned long long>(copies),
              static_cast<unsigned long long>(copied_sessions), static_cast<double>(next_start) / 1e9,
              active_sum / static_cast<double>(packets), max_active);
  return 0;
}
