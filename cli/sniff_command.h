// `zkwire sniff -i IFACE`: the same decoding and inspection, live on an interface, until Ctrl-C.
#pragma once
#include <span>
#include <string_view>

namespace zkwire {

int run_sniff(std::span<const std::string_view> args);

}  // namespace zkwire
