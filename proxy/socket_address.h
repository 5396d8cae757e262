// Socket addresses from "host:port" / "[v6]:port" text, resolved once, kept with their text for logs.
#pragma once
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace zkwire {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // as "ip:port", the form every record uses
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Resolves `host:port` (numeric or a name, IPv4 or IPv6); on failure `error` says why.
std::optional<SocketAddress> resolve_address(std::string_view host_port, std::string& error);
// The text form of an accepted peer's address.
std::string address_text(const sockaddr* address);

}  // namespace zkwire
