// All live TCP connections of a capture: lookup, orientation, closing and eviction.
#pragma once
#include <cstdint>
#include <deque>
#include <list>

#include "capture/capture_options.h"
#include "capture/connection.h"
#include "capture/connection_index.h"
#include "capture/flow_index.h"
#include "capture/flow_sink.h"
#include "capture/idle_order.h"
#include "capture/packet_parser.h"

namespace zkwire::capture {

struct FlowTableStats {
  uint64_t flows = 0;
  uint64_t gaps = 0;
  uint64_t lost_bytes = 0;
  uint64_t evicted = 0;
  uint64_t segments_after_close = 0;  // stray packets of a closed connection, ignored
};

class FlowTable {
 public:
  FlowTable(const CaptureOptions& options, FlowSink& sink);

  void on_segment(const TcpSegment& segment, Timestamp at);
  // The capture is over: every open flow is closed as capture_end at the last time seen.
  void finish();

  const FlowTableStats& stats() const { return stats_; }
  size_t tracked_flows() const { return by_key_.size(); }
  size_t remembered_closed_flows() const { return closed_.size(); }

 private:
  friend class SideReceiver;
  using Position = std::list<Connection>::iterator;

  // A segment without SYN, FIN or RST on a connection whose roles are settled: what `process` would do with it, on
  // the shortest way. Such a segment never ends a connection: both FINs end it when the second one comes.
  void carry(Connection& c, int side, const TcpSegment& segment, Timestamp at);
  // Every other segment: the connection's first, its handshake and end, port reuse, strays after a close.
  void on_other_segment(const Position* found, int side, const TcpSegment& segment, Timestamp at);
  Connection& open_connection(const FlowKey& key, const TcpSegment& first, Timestamp at);
  // `side` sent the segment. Returns true when the segment ended the connection (both FINs, or a RST).
  bool process(Connection& c, int side, const TcpSegment& segment, Timestamp at);
  void close(Connection& c, FlowEnd how, Timestamp at);
  // A connection that ended normally: its state goes, its key stays for closed_linger_ns.
  void retire(Position position, Timestamp at);
  void forget_expired_closed();
  void settle(Connection& c, Orientation verdict, ServerSideBasis basis);
  void try_classify(Connection& c);
  void deliver_bytes(Connection& c, int side, std::span<const uint8_t> bytes, Timestamp at);
  void deliver_gap(Connection& c, int side, uint64_t missing_bytes, Timestamp at);
  bool starts_new_connection(const Connection& c, int side, const TcpSegment& bare_syn) const;
  // Stamps `c` as the most recently active connection.
  void touch(Connection& c) {
    c.last_seen = now_;
    c.touch = ++last_touch_;
  }
  // Idle connections and remembered closes whose time is up; then when to look again.
  void expire();
  void plan_expiry();
  void expire_no_later_than(int64_t since_ns, int64_t allowed_ns);
  void evict_idle();
  void evict_oldest();
  void evict(Position position);
  void forget(Position position);

  CaptureOptions options_;
  FlowSink& sink_;
  FlowTableStats stats_;
  uint64_t last_id_ = 0;
  Timestamp now_;  // the latest packet time seen; capture time, not wall-clock time
  uint64_t last_touch_ = 0;
  // Nothing idle or closed can expire before this capture time: the one compare a packet makes for both.
  int64_t next_expiry_ns_ = INT64_MAX;
  // Owns the live connections, in the order they opened; the index and idle_ point into it.
  std::list<Connection> connections_;
  ConnectionIndex<Position> by_key_;
  IdleOrder<Position> idle_;
  // Keys of recently closed connections, with their close times, oldest first in closed_order_.
  FlowIndex<Timestamp> closed_;
  std::deque<std::pair<FlowKey, Timestamp>> closed_order_;
};

}  // namespace zkwire::capture
