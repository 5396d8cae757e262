// Printing of the capture vocabulary: endpoints and enum names.
#include "capture/flow_types.h"

#include <arpa/inet.h>

namespace zkwire::capture {

std::string Endpoint::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v6 ? AF_INET6 : AF_INET, addr.data(), text, sizeof text);
  std::string out;
  if (is_v6) {
    out = "[" + std::string(text) + "]";
  } else {
    out = text;
  }
  return out + ":" + std::to_string(port);
}

std::string_view basis_name(ServerSideBasis basis) {
  switch (basis) {
    case ServerSideBasis::port: return "port";
    case ServerSideBasis::syn: return "syn";
    case ServerSideBasis::payload_shape: return "payload_shape";
    case ServerSideBasis::guess: return "guess";
  }
  return "unknown";
}

std::string_view flow_end_name(FlowEnd how) {
  switch (how) {
    case FlowEnd::fin: return "fin";
    case FlowEnd::rst: return "rst";
    case FlowEnd::capture_end: return "capture_end";
    case FlowEnd::evicted: return "evicted";
  }
  return "unknown";
}

}  // namespace zkwire::capture
