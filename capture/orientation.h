// Deciding which end of a TCP connection is the ZooKeeper server.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "capture/flow_types.h"

namespace zkwire::capture {

// A flow's two ends before we know their roles: A sent the first packet we saw, B received it.
enum class Orientation { a_is_client, b_is_client, undecided };

// Looks at the first bytes each side sent (up to the first gap) and says who the client is,
// or undecided to be asked again once more bytes have arrived.
using PayloadClassifier = std::function<Orientation(std::span<const uint8_t> first_bytes_from_a,
                                                    std::span<const uint8_t> first_bytes_from_b)>;

// Rule (a): exactly one end listens on a known server port.
std::optional<Orientation> orient_by_port(const Endpoint& a, const Endpoint& b,
                                          std::span<const uint16_t> server_ports);

// Rule (b): the first packet was part of a handshake, so its flags tell the roles.
std::optional<Orientation> orient_by_syn(bool syn, bool ack);

// Last resort: servers usually listen on the lower port; a tie makes the receiver the server.
Orientation orient_by_guess(const Endpoint& a, const Endpoint& b);

}  // namespace zkwire::capture
