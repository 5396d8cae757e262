// Everything the flow table remembers about one TCP connection.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "capture/flow_key.h"
#include "capture/flow_types.h"
#include "capture/orientation_buffer.h"
#include "capture/tcp_reassembler.h"

namespace zkwire::capture {

// Sides are numbered before roles are known: 0 (A) sent the first packet seen, 1 (B) got it.
struct Connection {
  explicit Connection(size_t max_held_bytes) : streams{TcpReassembler(max_held_bytes),
                                                       TcpReassembler(max_held_bytes)} {}

  // What nearly every packet touches comes first (its ends to confirm the lookup, its roles, its stamps, where its
  // bytes go, then the reassemblers): packets of many connections interleave, so each line touched is likely a miss.
  Endpoint ends[2];
  std::optional<uint8_t> client_side;  // empty while undecided
  uint64_t id = 0;
  void* sink_state = nullptr;  // what the sink returned from on_flow_open
  Timestamp last_seen;
  uint64_t touch = 0;      // when it was last active, as a sequence number over all connections: ties in last_seen
  TcpReassembler streams[2];  // streams[s] carries the bytes side s sent

  FlowKey key;
  Timestamp first_seen;
  uint32_t idle_slot = 0;  // the flow table's IdleOrder keeps it here
  bool started_mid_stream = false;
  ServerSideBasis basis = ServerSideBasis::guess;
  std::unique_ptr<OrientationBuffer> undecided;  // only while client_side is empty

  std::optional<uint8_t> first_closer_side;
  bool syn_seen[2] = {false, false};
  uint32_t syn_seq[2] = {0, 0};

  FlowRef ref() const { return {id, sink_state}; }
  Direction direction_of(int side) const {
    return side == *client_side ? Direction::client_to_server : Direction::server_to_client;
  }
};

}  // namespace zkwire::capture
