// One entry of a server list, "host:port" or "host:port@weight", resolved: the same text from config, flag or API.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/socket_address.h"

namespace zkwire {

struct ServerSpec {
  SocketAddress address;
  double weight = 1.0;  // its share of the sessions relative to the others'
};

std::optional<ServerSpec> parse_server_spec(std::string_view text, std::string& error);
// All or nothing: the first bad entry is the error, and no list is returned.
std::optional<std::vector<ServerSpec>> parse_server_list(const std::vector<std::string>& texts, std::string& error);

}  // namespace zkwire
