// Small vocabulary shared by every layer: which way bytes flow and when they were seen.
#pragma once
#include <cstdint>
#include <string_view>

namespace zkwire {

enum class Direction : uint8_t { client_to_server, server_to_client };

constexpr std::string_view direction_name(Direction d) {
  return d == Direction::client_to_server ? "c2s" : "s2c";
}

constexpr Direction opposite(Direction d) {
  return d == Direction::client_to_server ? Direction::server_to_client
                                          : Direction::client_to_server;
}

// Capture or arrival time, nanoseconds since the Unix epoch.
struct Timestamp {
  int64_t ns = 0;
  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }
  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;
};

constexpr int64_t micros_between(Timestamp earlier, Timestamp later) {
  return (later.ns - earlier.ns) / 1000;
}

}  // namespace zkwire
