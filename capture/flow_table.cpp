// Routing segments to their connection's reassemblers and turning TCP state into sink calls.
#include "capture/flow_table.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace zkwire::capture {

// Forwards one side's reassembled bytes back into the table, which knows that side's role.
class SideReceiver final : public StreamReceiver {
 public:
  SideReceiver(FlowTable& table, Connection& connection, int side)
      : table_(table), connection_(connection), side_(side) {}
  void on_bytes(std::span<const uint8_t> bytes, Timestamp at) override {
    table_.deliver_bytes(connection_, side_, bytes, at);
  }
  void on_lost(uint64_t missing_bytes, Timestamp at) override {
    table_.deliver_gap(connection_, side_, missing_bytes, at);
  }

 private:
  FlowTable& table_;
  Connection& connection_;
  int side_;
};

FlowTable::FlowTable(const CaptureOptions& options, FlowSink& sink)
    : options_(options), sink_(sink) {}

// Inline into on_segment: as a call of its own it cost 28 more instructions a packet (108 MB capture).
inline void FlowTable::carry(Connection& c, int side, const TcpSegment& segment, Timestamp at) {
  TcpReassembler& own = c.streams[side];
  TcpReassembler& peer = c.streams[1 - side];
  if (!own.started()) own.start_at(segment.seq);
  const uint32_t payload_length = segment.wire_payload_length();
  if (segment.has(tcp_flag::ack) && peer.ack_may_declare_loss(segment.ack, payload_length > 0)) {
    SideReceiver to_peer(*this, c, 1 - side);
    peer.peer_acked(segment.ack, at, to_peer, payload_length > 0);
  }
  if (payload_length == 0) return;
  if (own.take_in_order(segment.seq, segment.payload.size(), segment.lost_tail)) {
    sink_.on_flow_data(c.ref(), c.direction_of(side), segment.payload, at);
    return;
  }
  SideReceiver to_own(*this, c, side);
  own.add(segment.seq, segment.payload, segment.lost_tail, at, to_own);
}

void FlowTable::on_segment(const TcpSegment& segment, Timestamp at) {
  if (at > now_) now_ = at;
  // Nearly every packet has nothing to expire: the check stays here, the work out of line.
  if (now_.ns > next_expiry_ns_) expire();

  int side = 0;
  const Position* found = by_key_.find(segment.src, segment.dst, by_key_.hash(segment.src, segment.dst), side);
  // Nearly every packet: an acknowledgement, perhaps with data, on a connection whose roles are settled.
  constexpr uint8_t kOpensOrEnds = tcp_flag::syn | tcp_flag::fin | tcp_flag::rst;
  if (found && (segment.flags & kOpensOrEnds) == 0 && (*found)->client_side) [[likely]] {
    const Position position = *found;
    touch(*position);
    carry(*position, side, segment, at);
    return;
  }
  on_other_segment(found, side, segment, at);
}

void FlowTable::on_other_segment(const Position* found, int side, const TcpSegment& segment, Timestamp at) {
  const bool bare_syn = segment.has(tcp_flag::syn) && !segment.has(tcp_flag::ack);
  bool reused = false;
  if (found) {
    const Position position = *found;
    Connection& c = *position;
    if (!(bare_syn && starts_new_connection(c, side, segment))) {
      touch(c);
      if (process(c, side, segment, at)) retire(position, at);
      return;
    }
    // Port reuse: the old connection is over even if we never saw it end.
    close(c, FlowEnd::evicted, at);
    forget(position);
    reused = true;
  }
  const FlowKey key = FlowKey::between(segment.src, segment.dst);
  if (!reused && closed_.size() > 0 && closed_.find(key)) {
    if (!bare_syn) {
      ++stats_.segments_after_close;
      return;
    }
    closed_.erase(key);  // a new connection on the same ports
  }
  if (by_key_.size() >= options_.max_flows && !connections_.empty()) evict_oldest();
  Connection& c = open_connection(key, segment, at);
  if (process(c, 0, segment, at)) retire(std::prev(connections_.end()), at);
}

bool FlowTable::starts_new_connection(const Connection& c, int side, const TcpSegment& bare_syn) const {
  const bool retransmitted_syn = c.syn_seen[side] && c.syn_seq[side] == bare_syn.seq;
  return !retransmitted_syn;
}

Connection& FlowTable::open_connection(const FlowKey& key, const TcpSegment& first, Timestamp at) {
  Connection& c = connections_.emplace_back(options_.max_held_bytes_per_direction);
  ++stats_.flows;
  c.id = ++last_id_;
  c.key = key;
  c.ends[0] = first.src;
  c.ends[1] = first.dst;
  by_key_.insert(std::prev(connections_.end()));
  c.first_seen = at;
  touch(c);
  idle_.add(std::prev(connections_.end()));
  expire_no_later_than(now_.ns, options_.idle_timeout_ns);
  c.started_mid_stream = !first.has(tcp_flag::syn);

  if (auto by_port = orient_by_port(c.ends[0], c.ends[1], options_.server_ports)) {
    settle(c, *by_port, ServerSideBasis::port);
  } else if (auto by_syn = orient_by_syn(first.has(tcp_flag::syn), first.has(tcp_flag::ack))) {
    settle(c, *by_syn, ServerSideBasis::syn);
  } else if (options_.classifier) {
    c.undecided = std::make_unique<OrientationBuffer>(options_.orientation_buffer_bytes);
  } else {
    settle(c, orient_by_guess(c.ends[0], c.ends[1]), ServerSideBasis::guess);
  }
  return c;
}

bool FlowTable::process(Connection& c, int side, const TcpSegment& segment, Timestamp at) {
  TcpReassembler& own = c.streams[side];
  TcpReassembler& peer = c.streams[1 - side];
  SideReceiver to_own(*this, c, side);
  SideReceiver to_peer(*this, c, 1 - side);

  uint32_t payload_seq = segment.seq;
  if (segment.has(tcp_flag::syn)) {
    c.syn_seen[side] = true;
    c.syn_seq[side] = segment.seq;
    payload_seq = segment.seq + 1;  // the SYN itself occupies one sequence number
  }
  if (!own.started()) own.start_at(payload_seq);

  const uint32_t payload_length = segment.wire_payload_length();
  // What the sender had received when it sent this segment comes before what the segment carries.
  if (segment.has(tcp_flag::ack)) peer.peer_acked(segment.ack, at, to_peer, payload_length > 0);
  if (payload_length > 0) own.add(payload_seq, segment.payload, segment.lost_tail, at, to_own);
  if (segment.has(tcp_flag::fin)) {
    own.note_fin(payload_seq + payload_length);
    if (!c.first_closer_side) c.first_closer_side = static_cast<uint8_t>(side);
  }

  if (segment.has(tcp_flag::rst)) {
    if (!c.first_closer_side) c.first_closer_side = static_cast<uint8_t>(side);
    close(c, FlowEnd::rst, at);
    return true;
  }
  if (own.fin_seen() && peer.fin_seen()) {
    close(c, FlowEnd::fin, at);
    return true;
  }
  return false;
}

void FlowTable::close(Connection& c, FlowEnd how, Timestamp at) {
  // Nothing more will fill the holes of a finished connection.
  for (int side = 0; side < 2; ++side) {
    SideReceiver receiver(*this, c, side);
    c.streams[side].flush(at, receiver);
  }
  if (!c.client_side) settle(c, orient_by_guess(c.ends[0], c.ends[1]), ServerSideBasis::guess);

  FlowClose close_info{how, std::nullopt};
  if (c.first_closer_side) close_info.first_closer = c.direction_of(*c.first_closer_side);
  sink_.on_flow_close(c.ref(), close_info, at);
}

void FlowTable::retire(Position position, Timestamp at) {
  closed_.put(position->key, at);
  closed_order_.emplace_back(position->key, at);
  expire_no_later_than(at.ns, options_.closed_linger_ns);
  forget(position);
}

void FlowTable::forget_expired_closed() {
  while (!closed_order_.empty() && now_.ns - closed_order_.front().second.ns > options_.closed_linger_ns) {
    const auto& [key, closed_at] = closed_order_.front();
    // The key may have closed again since; only its latest close counts.
    if (const Timestamp* latest = closed_.find(key); latest && *latest == closed_at) closed_.erase(key);
    closed_order_.pop_front();
  }
}

void FlowTable::settle(Connection& c, Orientation verdict, ServerSideBasis basis) {
  const uint8_t client = verdict == Orientation::a_is_client ? 0 : 1;
  c.client_side = client;
  c.basis = basis;
  c.sink_state = sink_.on_flow_open(FlowInfo{c.id, c.ends[client], c.ends[1 - client], basis,
                              c.started_mid_stream, c.first_seen});
  if (!c.undecided) return;
  // Replay in arrival order what waited for the decision, then let the buffer go.
  const auto buffered = std::move(c.undecided);
  for (const auto& event : buffered->events()) {
    const Direction direction = c.direction_of(event.side);
    if (event.is_gap) {
      sink_.on_flow_gap(c.ref(), direction, event.offset_or_missing, event.at);
    } else {
      sink_.on_flow_data(c.ref(), direction, buffered->bytes_of(event), event.at);
    }
  }
}

void FlowTable::try_classify(Connection& c) {
  const Orientation verdict =
      options_.classifier(c.undecided->first_bytes(0), c.undecided->first_bytes(1));
  if (verdict != Orientation::undecided) {
    settle(c, verdict, ServerSideBasis::payload_shape);
  } else if (c.undecided->full()) {
    settle(c, orient_by_guess(c.ends[0], c.ends[1]), ServerSideBasis::guess);
  }
}

void FlowTable::deliver_bytes(Connection& c, int side, std::span<const uint8_t> bytes,
                              Timestamp at) {
  if (c.client_side) {
    sink_.on_flow_data(c.ref(), c.direction_of(side), bytes, at);
    return;
  }
  c.undecided->add_bytes(side, bytes, at);
  try_classify(c);
}

void FlowTable::deliver_gap(Connection& c, int side, uint64_t missing_bytes, Timestamp at) {
  ++stats_.gaps;
  stats_.lost_bytes += missing_bytes;
  if (c.client_side) {
    sink_.on_flow_gap(c.ref(), c.direction_of(side), missing_bytes, at);
  } else {
    c.undecided->add_gap(side, missing_bytes, at);
  }
}

void FlowTable::expire() {
  evict_idle();
  if (!closed_order_.empty() && now_.ns - closed_order_.front().second.ns > options_.closed_linger_ns) {
    forget_expired_closed();
  }
  plan_expiry();
}

// The earliest either oldest entry can expire. A stale heap top makes it early, which only costs a look.
void FlowTable::plan_expiry() {
  next_expiry_ns_ = INT64_MAX;
  if (const auto seen = idle_.earliest_seen_ns()) expire_no_later_than(*seen, options_.idle_timeout_ns);
  if (!closed_order_.empty()) expire_no_later_than(closed_order_.front().second.ns, options_.closed_linger_ns);
}

// Something seen at `since_ns` expires once `now - since_ns > allowed_ns`, i.e. `now > since_ns + allowed_ns`.
void FlowTable::expire_no_later_than(int64_t since_ns, int64_t allowed_ns) {
  int64_t deadline;
  if (__builtin_add_overflow(since_ns, allowed_ns, &deadline)) deadline = allowed_ns > 0 ? INT64_MAX : INT64_MIN;
  next_expiry_ns_ = std::min(next_expiry_ns_, deadline);
}

void FlowTable::evict_idle() {
  while (idle_.may_be_idle(now_.ns, options_.idle_timeout_ns)) {
    const std::optional<Position> oldest = idle_.oldest();
    // The top entry only looked idle: its connection has been active since.
    if (!oldest || now_.ns - (*oldest)->last_seen.ns <= options_.idle_timeout_ns) return;
    evict(*oldest);
  }
}

void FlowTable::evict_oldest() { evict(*idle_.oldest()); }

void FlowTable::evict(Position position) {
  ++stats_.evicted;
  close(*position, FlowEnd::evicted, now_);
  forget(position);
}

void FlowTable::forget(Position position) {
  by_key_.erase(position);
  idle_.remove(position);
  connections_.erase(position);
}

void FlowTable::finish() {
  // Least recently active first, as connections were always closed: the output shows this order.
  std::vector<Connection*> by_age;
  by_age.reserve(connections_.size());
  for (Connection& c : connections_) by_age.push_back(&c);
  std::sort(by_age.begin(), by_age.end(), [](const Connection* a, const Connection* b) { return a->touch < b->touch; });
  for (Connection* c : by_age) close(*c, FlowEnd::capture_end, now_);
  by_key_.clear();
  idle_.clear();
  connections_.clear();
  closed_.clear();
  closed_order_.clear();
  next_expiry_ns_ = INT64_MAX;
}

}  // namespace zkwire::capture
