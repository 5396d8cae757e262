// The zkwire program: one binary, a subcommand per job.
#include <cstdio>
#include <string_view>
#include <vector>

#include "cli/analyze_command.h"
#include "cli/describe_command.h"
#include "cli/proxy_command.h"
#include "cli/sniff_command.h"

namespace {

void print_help() {
  std::fputs(
      "usage: zkwire COMMAND [options]\n"
      "A ZooKeeper wire decoder: every frame of the client protocol as a typed record.\n\n"
      "commands:\n"
      "  analyze FILE...     decode pcap/pcapng captures, follow sessions, flag anomalies (analyze --help)\n"
      "  sniff -i IFACE      the same, live on an interface, until Ctrl-C (sniff --help)\n"
      "  proxy               relay clients to an ensemble, decoding and inspecting live (proxy --help)\n"
      "  describe TABLE      print one of the protocol tables: opcodes, errors, records, decode-errors,\n"
      "                      anomalies, four-letter-words (as markdown with --markdown),\n"
      "                      config (every configuration key with its default, as YAML)\n"
      "  describe-anomalies  the anomalies the session inspector flags (same as describe anomalies)\n",
      stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    print_help();
    return args.empty() ? 2 : 0;
  }
  std::string_view command = args[0];
  std::span<const std::string_view> rest(args.data() + 1, args.size() - 1);
  if (command == "analyze") return zkwire::run_analyze(rest);
  if (command == "sniff") return zkwire::run_sniff(rest);
  if (command == "proxy") return zkwire::run_proxy(rest);
  if (command == "describe") return zkwire::run_describe(rest);
  if (command == "describe-anomalies") {
    std::vector<std::string_view> table{"anomalies"};
    table.insert(table.end(), rest.begin(), rest.end());
    return zkwire::run_describe(table);
  }
  std::fprintf(stderr, "zkwire: unknown command '%.*s'\n", static_cast<int>(command.size()), command.data());
  print_help();
  return 2;
}
