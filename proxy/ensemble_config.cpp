// Line-by-line reading of the dynamic config text; a bad line is reported and skipped, never fatal.
#include "proxy/ensemble_config.h"

#include <charconv>

namespace zkwire {
namespace {

bool is_port(std::string_view s) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc{} && end == s.data() + s.size() && port > 0 && port < 65536;
}

// "host:port" or "[v6]:port" split in two; false when it is neither.
bool split_host_port(std::string_view text, std::string_view& host, std::string_view& port) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    return true;
  }
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  return host.find(':') == std::string_view::npos;  // a bare IPv6 address would be ambiguous
}

std::string host_port(std::string_view host, std::string_view port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::string(port);
}

bool is_wildcard(std::string_view host) { return host.empty() || host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0"; }

// The part before ';': quorum addresses joined by '|', then ":role" when the role is written.
bool read_quorum_part(std::string_view text, EnsembleMember& member) {
  for (std::string_view role : {"participant", "observer"}) {
    if (text.size() > role.size() && text.ends_with(role) && text[text.size() - role.size() - 1] == ':') {
      member.role = role;
      text.remove_suffix(role.size() + 1);
      break;
    }
  }
  if (member.role.empty()) member.role = "participant";
  std::string_view first = text.substr(0, text.find('|'));
  // host:quorumPort:electionPort, the host possibly in brackets.
  std::string_view host;
  if (!first.empty() && first.front() == '[') {
    const size_t close = first.find(']');
    if (close == std::string_view::npos) return false;
    host = first.substr(1, close - 1);
  } else {
    host = first.substr(0, first.find(':'));
  }
  if (host.empty()) return false;
  member.quorum_host = host;
  return true;
}

bool read_client_part(std::string_view text, EnsembleMember& member) {
  std::string_view host, port;
  if (is_port(text)) {
    port = text;
  } else if (!split_host_port(text, host, port) || !is_port(port)) {
    return false;
  }
  member.client_address = host_port(is_wildcard(host) ? std::string_view(member.quorum_host) : host, port);
  return true;
}

}  // namespace

EnsembleConfig parse_ensemble_config(std::string_view text) {
  EnsembleConfig config;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto problem = [&](std::string_view why) {
      config.problems.push_back("line " + std::to_string(line_number) + ": " + std::string(why) + ": " +
                                std::string(line));
    };
    if (line.starts_with("version=")) {
      config.version = line.substr(8);
      continue;
    }
    if (line.starts_with("group.") || line.starts_with("weight.")) continue;
    if (!line.starts_with("server.")) {
      problem("not a server, group, weight or version line");
      continue;
    }
    const size_t equals = line.find('=');
    EnsembleMember member;
    std::string_view id = line.substr(7, equals == std::string_view::npos ? 0 : equals - 7);
    auto [id_end, id_error] = std::from_chars(id.data(), id.data() + id.size(), member.id);
    if (equals == std::string_view::npos || id.empty() || id_error != std::errc{} || id_end != id.data() + id.size()) {
      problem("expected server.<id>=");
      continue;
    }
    std::string_view value = line.substr(equals + 1);
    const size_t semicolon = value.find(';');
    if (!read_quorum_part(value.substr(0, semicolon), member)) {
      problem("expected host:quorumPort:electionPort");
      continue;
    }
    if (semicolon != std::string_view::npos && !read_client_part(value.substr(semicolon + 1), member)) {
      problem("expected [clientHost:]clientPort after ';'");
      continue;
    }
    config.members.push_back(std::move(member));
  }
  return config;
}

}  // namespace zkwire
