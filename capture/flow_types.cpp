// Printing of the capture vocabulary: endpoints and enum names.
#include "capture/flow_types.h"

#include <arpa/inet.h>

namespace zkwire::capture {

namespace {

// Decimal digits of v at p, returning the end: snprintf and inet_ntop were a twentieth of analyzing a capture
// of many short connections, two endpoints formatted per connection.
char* put_decimal(char* p, unsigned v) {
  char digits[10];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = digits[--n];
  return p;
}

}  // namespace

std::string Endpoint::to_string() const {
  char text[INET6_ADDRSTRLEN + 8];
  char* p = text;
  if (is_v6) {
    *p++ = '[';
    inet_ntop(AF_INET6, addr.data(), p, INET6_ADDRSTRLEN);
    while (*p) ++p;
    *p++ = ']';
  } else {
    for (int i = 0; i < 4; ++i) {
      if (i) *p++ = '.';
      p = put_decimal(p, addr[i]);
    }
  }
  *p++ = ':';
  p = put_decimal(p, port);
  return std::string(text, p);
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
