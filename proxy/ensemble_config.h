// The client addresses of an ensemble's members, read from the text of its /zookeeper/config node.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace zkwire {

struct EnsembleMember {
  int id = 0;
  std::string quorum_host;     // the first quorum address's host, without IPv6 brackets
  std::string role;            // "participant" or "observer"
  std::string client_address;  // "host:port" or "[v6]:port"; empty when the line names no client port
};

struct EnsembleConfig {
  std::vector<EnsembleMember> members;  // in the order of the text
  std::string version;                  // the hex zxid of the config, as written
  std::vector<std::string> problems;    // lines that could not be read, each with its line number
};

// Reads `server.N=quorum[|quorum...][:role][;[clientHost:]clientPort]` lines and `version=`. A client host
// that is absent or a wildcard (0.0.0.0, ::) means the member's own quorum host, which is where its clients
// reach it. `group.`/`weight.` lines (hierarchical quorums) carry nothing a proxy needs and are skipped.
EnsembleConfig parse_ensemble_config(std::string_view text);

}  // namespace zkwire
