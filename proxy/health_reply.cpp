// Reading `srvr` and `ruok` replies (ZooKeeper 3.8/3.9 text, see ZK_PROTOCOL.md 1.4).
#include "proxy/health_reply.h"

#include <array>
#include <charconv>

namespace zkwire {
namespace {

constexpr std::array kModes = {
#define ZKWIRE_SERVER_MODE_ROW(id, text) ServerMode::id,
    ZKWIRE_SERVER_MODES(ZKWIRE_SERVER_MODE_ROW)
#undef ZKWIRE_SERVER_MODE_ROW
};
constexpr std::array<std::string_view, kModes.size()> kModeNames = {
#define ZKWIRE_SERVER_MODE_NAME(id, text) text,
    ZKWIRE_SERVER_MODES(ZKWIRE_SERVER_MODE_NAME)
#undef ZKWIRE_SERVER_MODE_NAME
};

// The value after "Name: " on the line that starts with it, without the line end.
std::string_view line_value(std::string_view text, std::string_view name) {
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (line.starts_with(name) && line.substr(name.size()).starts_with(": ")) {
      std::string_view value = line.substr(name.size() + 2);
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
      return value;
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return {};
}

// What is shown of an unexpected reply: its first line, bounded.
std::string first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  return std::string(line.substr(0, 120));
}

}  // namespace

std::string_view server_mode_name(ServerMode mode) { return kModeNames[static_cast<size_t>(mode)]; }
std::span<const ServerMode> all_server_modes() { return kModes; }

std::string_view health_name(Health health) {
  switch (health) {
    case Health::unchecked: return "unchecked";
    case Health::serving: return "serving";
    case Health::read_only: return "read_only";
    case Health::not_serving: return "not_serving";
    case Health::unreachable: return "unreachable";
  }
  return "unchecked";
}

HealthReport read_health_reply(HealthCheck command, std::string_view reply) {
  HealthReport r;
  if (reply.empty()) {
    r.health = Health::unreachable;
    r.detail = "closed the connection without an answer";
    return r;
  }
  if (reply.find("not currently serving requests") != std::string_view::npos) {
    r.health = Health::not_serving;
    r.detail = "not currently serving requests";
    return r;
  }
  // The server lives but keeps the word off its 4lw.commands.whitelist: alive is all we learn.
  if (reply.find("not in the whitelist") != std::string_view::npos) {
    r.health = Health::serving;
    r.detail = first_line(reply);
    return r;
  }
  if (command == HealthCheck::ruok) {
    r.health = reply == "imok" ? Health::serving : Health::not_serving;
    if (r.health != Health::serving) r.detail = "ruok answered '" + first_line(reply) + "'";
    return r;
  }
  std::string_view mode = line_value(reply, "Mode");
  for (ServerMode m : kModes)
    if (m != ServerMode::unknown && server_mode_name(m) == mode) r.mode = m;
  std::string_view zxid = line_value(reply, "Zxid");
  if (zxid.starts_with("0x")) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(zxid.data() + 2, zxid.data() + zxid.size(), value, 16);
    if (ec == std::errc{} && end == zxid.data() + zxid.size()) r.zxid = static_cast<int64_t>(value);
  }
  if (r.mode == ServerMode::unknown) {
    r.health = Health::not_serving;
    r.detail = "srvr answered without a known Mode line: '" + first_line(reply) + "'";
    return r;
  }
  r.health = r.mode == ServerMode::read_only ? Health::read_only : Health::serving;
  return r;
}

}  // namespace zkwire
