// What a server's answer to a health check says: serving or not, its mode and zxid. Text in, verdict out.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proxy/proxy_options.h"

namespace zkwire {

// X(id, as `srvr` spells it on its Mode line)
#define ZKWIRE_SERVER_MODES(X) \
  X(unknown, "unknown")        \
  X(leader, "leader")          \
  X(follower, "follower")      \
  X(observer, "observer")      \
  X(standalone, "standalone")  \
  X(read_only, "read-only")

enum class ServerMode : uint8_t {
#define ZKWIRE_SERVER_MODE_ENUM(id, text) id,
  ZKWIRE_SERVER_MODES(ZKWIRE_SERVER_MODE_ENUM)
#undef ZKWIRE_SERVER_MODE_ENUM
};
std::string_view server_mode_name(ServerMode mode);
std::span<const ServerMode> all_server_modes();

// A server's health as the last check left it. Only not_serving and unreachable count as failures.
enum class Health : uint8_t {
  unchecked,    // checks are off, or none has finished yet
  serving,      // srvr named a mode that takes clients, or ruok said imok
  read_only,    // Mode: read-only: it has lost its quorum and takes read-only clients only
  not_serving,  // it answered, but "is not currently serving requests" (no quorum, still starting)
  unreachable,  // refused, reset, closed without a word, or no whole answer within the timeout
};
std::string_view health_name(Health health);
constexpr bool health_failed(Health h) { return h == Health::not_serving || h == Health::unreachable; }

struct HealthReport {
  Health health = Health::unchecked;
  ServerMode mode = ServerMode::unknown;
  int64_t zxid = -1;  // srvr's Zxid line; -1 when not known
  std::string detail;  // why it is not serving, or what the server said instead of an answer
};

// Judges the whole reply to `command` (the server closes the connection after it).
HealthReport read_health_reply(HealthCheck command, std::string_view reply);

}  // namespace zkwire
