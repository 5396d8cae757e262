// Vocabulary of the capture layer: endpoints, a flow's identity, and how a flow ended.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "decoder/basics.h"

namespace zkwire::capture {

struct Endpoint {
  std::array<uint8_t, 16> addr{};  // an IPv4 address uses the first 4 bytes, the rest stay zero
  bool is_v6 = false;
  uint16_t port = 0;

  // "127.0.0.1:2181" or "[::1]:2181"
  std::string to_string() const;
  friend bool operator==(const Endpoint& one, const Endpoint& other) {
    // Compared on every packet: two word comparisons beat a call to memcmp.
    uint64_t a[2], b[2];
    std::memcpy(a, one.addr.data(), 16);
    std::memcpy(b, other.addr.data(), 16);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0 && one.port == other.port &&
           one.is_v6 == other.is_v6;
  }
};

enum class ServerSideBasis { port, syn, payload_shape, guess };
std::string_view basis_name(ServerSideBasis basis);

struct FlowInfo {
  uint64_t id = 0;
  Endpoint client;
  Endpoint server;
  ServerSideBasis basis = ServerSideBasis::guess;
  bool started_mid_stream = false;  // no SYN opened it: the capture began after the handshake
  Timestamp first_seen;
};

// A flow as the table hands it back to its sink: the id, and whatever the sink returned when the flow opened (its
// own state for the flow), so that a sink finds that state without a lookup on every packet.
struct FlowRef {
  uint64_t id = 0;
  void* state = nullptr;
};

enum class FlowEnd { fin, rst, capture_end, evicted };
std::string_view flow_end_name(FlowEnd how);

struct FlowClose {
  FlowEnd how = FlowEnd::capture_end;
  // Who sent the first FIN, or the RST when no FIN came before it; empty when neither side
  // began to close (a flow still open at capture end, or evicted).
  std::optional<Direction> first_closer;
};

}  // namespace zkwire::capture
