// The rules that name the server side of a flow without looking at its payload.
#include "capture/orientation.h"

#include <algorithm>

namespace zkwire::capture {

std::optional<Orientation> orient_by_port(const Endpoint& a, const Endpoint& b,
                                          std::span<const uint16_t> server_ports) {
  const bool a_serves = std::ranges::find(server_ports, a.port) != server_ports.end();
  const bool b_serves = std::ranges::find(server_ports, b.port) != server_ports.end();
  if (a_serves == b_serves) return std::nullopt;
  return b_serves ? Orientation::a_is_client : Orientation::b_is_client;
}

std::optional<Orientation> orient_by_syn(bool syn, bool ack) {
  if (!syn) return std::nullopt;
  // A bare SYN comes from the client; a SYN-ACK (its SYN went uncaptured) from the server.
  return ack ? Orientation::b_is_client : Orientation::a_is_client;
}

Orientation orient_by_guess(const Endpoint& a, const Endpoint& b) {
  return a.port < b.port ? Orientation::b_is_client : Orientation::a_is_client;
}

}  // namespace zkwire::capture
