// `zkwire analyze FILE...`: decode pcap/pcapng captures into records.
#pragma once
#include <span>
#include <string_view>

namespace zkwire {

int run_analyze(std::span<const std::string_view> args);
void print_analyze_help();

}  // namespace zkwire
