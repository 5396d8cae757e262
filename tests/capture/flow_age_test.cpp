// Which connection the flow table closes, when and in what order: idle expiry, max_flows, capture end, port reuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "capture/flow_table.h"

namespace zkwire::capture {
namespace {

// Opens and closes, in the order the table made them: "open <id> <client port>", "close <id> <how> <time>".
class EventLog final : public FlowSink {
 public:
  void* on_flow_open(const FlowInfo& info) override {
    events.push_back("open " + std::to_string(info.id) + " " + std::to_string(info.client.port));
    return nullptr;
  }
  void on_flow_data(FlowRef, Direction, std::span<const uint8_t>, Timestamp) override {}
  void on_flow_gap(FlowRef, Direction, uint64_t, Timestamp) override {}
  void on_flow_close(FlowRef flow, const FlowClose& close, Timestamp at) override {
    events.push_back("close " + std::to_string(flow.id) + " " + std::string(flow_end_name(close.how)) + " " +
                     std::to_string(at.ns));
  }
  std::vector<std::string> events;
};

constexpr uint16_t kFirstClientPort = 40000;

Endpoint v4(uint8_t last, uint16_t port) {
  Endpoint e;
  e.addr = {10, 0, 0, last};
  e.port = port;
  return e;
}

enum class Kind { client_ack, server_ack, client_syn, client_fin, server_fin, client_rst, server_rst };

struct Packet {
  int64_t at;
  int client;  // the connection: client port kFirstClientPort + client, server 10.0.0.2:2181
  Kind kind;
  uint32_t seq = 0;
};

bool from_client(Kind kind) {
  return kind == Kind::client_ack || kind == Kind::client_syn || kind == Kind::client_fin || kind == Kind::client_rst;
}

TcpSegment segment_of(const Packet& p) {
  TcpSegment s;
  const Endpoint client = v4(1, static_cast<uint16_t>(kFirstClientPort + p.client)), server = v4(2, 2181);
  s.src = from_client(p.kind) ? client : server;
  s.dst = from_client(p.kind) ? server : client;
  s.seq = p.seq;
  switch (p.kind) {
    case Kind::client_ack:
    case Kind::server_ack:
      s.flags = tcp_flag::ack;
      break;
    case Kind::client_syn:
      s.flags = tcp_flag::syn;
      break;
    case Kind::client_fin:
    case Kind::server_fin:
      s.flags = tcp_flag::fin | tcp_flag::ack;
      break;
    case Kind::client_rst:
    case Kind::server_rst:
      s.flags = tcp_flag::rst;
      break;
  }
  return s;
}

std::vector<std::string> run_table(const std::vector<Packet>& packets, const CaptureOptions& options) {
  EventLog log;
  FlowTable table(options, log);
  for (const Packet& p : packets) table.on_segment(segment_of(p), Timestamp{p.at});
  table.finish();
  return log.events;
}

// What the table did when it moved a connection to the end of a list on every packet, written as plainly as
// possible: the least recently active connection is the one with the smallest activity count.
class ReferenceTable {
 public:
  explicit ReferenceTable(const CaptureOptions& options) : options_(options) {}

  void on_packet(const Packet& p) {
    now_ = std::max(now_, p.at);
    while (!live_.empty() && now_ - oldest()->second.last_seen > options_.idle_timeout_ns)
      close(oldest(), "evicted", now_);
    std::erase_if(closed_,
                  [&](const auto& key_and_time) { return now_ - key_and_time.second > options_.closed_linger_ns; });

    const bool bare_syn = p.kind == Kind::client_syn;
    bool reused = false;
    if (auto found = live_.find(p.client); found != live_.end()) {
      Conn& c = found->second;
      if (!(bare_syn && c.client_syn != p.seq)) {
        stamp(c);
        apply(found, p);
        return;
      }
      close(found, "evicted", p.at);  // port reuse
      reused = true;
    }
    if (!reused && closed_.contains(p.client)) {
      if (!bare_syn) return;  // a stray after a close
      closed_.erase(p.client);
    }
    if (live_.size() >= options_.max_flows && !live_.empty()) close(oldest(), "evicted", now_);
    Conn& c = live_[p.client];
    c.id = ++last_id_;
    stamp(c);
    events.push_back("open " + std::to_string(c.id) + " " + std::to_string(kFirstClientPort + p.client));
    apply(live_.find(p.client), p);
  }

  void finish() {
    while (!live_.empty()) close(oldest(), "capture_end", now_);
  }

  std::vector<std::string> events;

 private:
  struct Conn {
    uint64_t id = 0;
    int64_t last_seen = 0;
    uint64_t activity = 0;
    std::optional<uint32_t> client_syn;
    bool client_fin = false, server_fin = false;
  };
  using Live = std::map<int, Conn>;

  void stamp(Conn& c) {
    c.last_seen = now_;
    c.activity = ++last_activity_;
  }
  Live::iterator oldest() {
    return std::min_element(live_.begin(), live_.end(),
                            [](const auto& a, const auto& b) { return a.second.activity < b.second.activity; });
  }
  void apply(Live::iterator found, const Packet& p) {
    Conn& c = found->second;
    if (p.kind == Kind::client_syn) c.client_syn = p.seq;
    if (p.kind == Kind::client_fin) c.client_fin = true;
    if (p.kind == Kind::server_fin) c.server_fin = true;
    if (p.kind == Kind::client_rst || p.kind == Kind::server_rst) {
      retire(found, "rst", p.at);
    } else if (c.client_fin && c.server_fin) {
      retire(found, "fin", p.at);
    }
  }
  void retire(Live::iterator found, const char* how, int64_t at) {
    closed_[found->first] = at;
    close(found, how, at);
  }
  void close(Live::iterator found, const char* how, int64_t at) {
    events.push_back("close " + std::to_string(found->second.id) + " " + how + " " + std::to_string(at));
    live_.erase(found);
  }

  CaptureOptions options_;
  int64_t now_ = 0;
  uint64_t last_id_ = 0, last_activity_ = 0;
  Live live_;                      // by client number
  std::map<int, int64_t> closed_;  // client number -> time of its latest close
};

std::vector<std::string> run_reference(const std::vector<Packet>& packets, const CaptureOptions& options) {
  ReferenceTable reference(options);
  for (const Packet& p : packets) reference.on_packet(p);
  reference.finish();
  return reference.events;
}

CaptureOptions small_options() {
  CaptureOptions options;
  options.idle_timeout_ns = 50;
  options.closed_linger_ns = 30;
  options.max_flows = 6;
  return options;
}

size_t count_of(const std::vector<std::string>& events, const std::string& part) {
  return std::count_if(events.begin(), events.end(), [&](const std::string& e) { return e.find(part) != e.npos; });
}

TEST(FlowAge, IdleConnectionsCloseAtTheSamePacketInOrderOfLastActivityEvenWithEqualTimes) {
  CaptureOptions options = small_options();
  options.max_flows = 100;
  // Five connections open at time 0; 3, 1 and 4 are active again at time 0, 2 at 11, 0 at 50. At 61, 3, 1 and 4
  // have been quiet for more than 50 (2 for exactly 50): they close in the order they were last active, then the
  // packet opens 6. At the end the rest close in the same order.
  const std::vector<Packet> packets = {
      {0, 0, Kind::client_ack},  {0, 1, Kind::client_ack},  {0, 2, Kind::client_ack},  {0, 3, Kind::client_ack},
      {0, 4, Kind::client_ack},  {0, 3, Kind::server_ack},  {0, 1, Kind::client_ack},  {0, 4, Kind::server_ack},
      {11, 2, Kind::client_ack}, {50, 0, Kind::client_ack}, {61, 6, Kind::client_ack},
  };
  const std::vector<std::string> expected = {
      "open 1 40000", "open 2 40001",           "open 3 40002",           "open 4 40003",
      "open 5 40004", "close 4 evicted 61",     "close 2 evicted 61",     "close 5 evicted 61",
      "open 6 40006", "close 3 capture_end 61", "close 1 capture_end 61", "close 6 capture_end 61",
  };
  EXPECT_EQ(run_table(packets, options), expected);
  EXPECT_EQ(run_reference(packets, options), expected);
}

TEST(FlowAge, AFullTableEvictsTheLeastRecentlyActiveAndCaptureEndClosesTheRestOldestFirst) {
  CaptureOptions options = small_options();
  options.max_flows = 3;
  const std::vector<Packet> packets = {
      {1, 0, Kind::client_syn, 7}, {1, 1, Kind::client_ack},
      {1, 2, Kind::server_ack},    {1, 0, Kind::client_ack},  // 1 is now the least recently active
      {2, 3, Kind::client_ack},                               // full: 1 goes
      {2, 2, Kind::client_ack},    {2, 0, Kind::server_ack},
  };
  const std::vector<std::string> expected = {
      "open 1 40000", "open 2 40001",          "open 3 40002",          "close 2 evicted 2",
      "open 4 40003", "close 4 capture_end 2", "close 3 capture_end 2", "close 1 capture_end 2",
  };
  EXPECT_EQ(run_table(packets, options), expected);
  EXPECT_EQ(run_reference(packets, options), expected);
}

TEST(FlowAge, ConnectionsClosedByFinRstOrPortReuseAreNeverEvictedLater) {
  CaptureOptions options = small_options();
  options.max_flows = 2;
  const std::vector<Packet> packets = {
      {0, 0, Kind::client_syn, 1}, {0, 1, Kind::client_ack},
      {1, 0, Kind::client_fin},    {1, 0, Kind::server_fin},  // 1 closes normally
      {2, 1, Kind::client_syn, 5},                            // a new connection on 1's ports: the old one is over
      {3, 2, Kind::server_rst},                               // opens and closes at once
      {4, 3, Kind::client_ack},    {5, 4, Kind::client_ack},  // full: the connection from time 2 goes
      {200, 5, Kind::client_ack},                             // everything else idle
  };
  const std::vector<std::string> expected = {
      "open 1 40000",        "open 2 40001",        "close 1 fin 1", "close 2 evicted 2",       "open 3 40001",
      "open 4 40002",        "close 4 rst 3",       "open 5 40003",  "close 3 evicted 5",       "open 6 40004",
      "close 5 evicted 200", "close 6 evicted 200", "open 7 40005",  "close 7 capture_end 200",
  };
  EXPECT_EQ(run_table(packets, options), expected);
  EXPECT_EQ(run_reference(packets, options), expected);
}

// Random traffic on few ports, with many equal times, a small table and short timeouts: every way a connection
// ends, many times over.
std::vector<Packet> random_packets(uint32_t seed, int count, int clients) {
  std::mt19937 random(seed);
  std::vector<Packet> packets;
  int64_t now = 0;
  for (int i = 0; i < count; ++i) {
    const uint32_t step = random() % 100;
    now += step < 60 ? 0 : step < 97 ? random() % 10 : 40 + random() % 80;
    const uint32_t what = random() % 100;
    const Kind kind = what < 35   ? Kind::client_ack
                      : what < 65 ? Kind::server_ack
                      : what < 77 ? Kind::client_syn
                      : what < 85 ? Kind::client_fin
                      : what < 93 ? Kind::server_fin
                      : what < 97 ? Kind::client_rst
                                  : Kind::server_rst;
    packets.push_back({now, static_cast<int>(random() % clients), kind, static_cast<uint32_t>(random() % 2)});
  }
  return packets;
}

TEST(FlowAge, RandomTrafficClosesEveryConnectionAsTheReferenceDoes) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    const CaptureOptions options = small_options();
    const std::vector<Packet> packets = random_packets(seed, 5000, 12);
    const std::vector<std::string> reference = run_reference(packets, options);
    ASSERT_EQ(run_table(packets, options), reference) << "seed " << seed;
    // The run tried what it means to.
    EXPECT_GT(count_of(reference, " evicted "), 100u);
    EXPECT_GT(count_of(reference, " fin "), 10u);
    EXPECT_GT(count_of(reference, " rst "), 10u);
  }
}

// Many connections in a big table: the heap is rebuilt while evictions and closes go on.
TEST(FlowAge, ManyConnectionsCloseAsTheReferenceDoes) {
  CaptureOptions options = small_options();
  options.max_flows = 3000;
  options.idle_timeout_ns = 400;
  const std::vector<Packet> packets = random_packets(99, 60'000, 4000);
  EXPECT_EQ(run_table(packets, options), run_reference(packets, options));
}

}  // namespace
}  // namespace zkwire::capture
