// `zkwire describe TABLE`: prints the protocol tables the decoder is driven by (and docs are made from).
#pragma once
#include <span>
#include <string_view>

namespace zkwire {

int run_describe(std::span<const std::string_view> args);

}  // namespace zkwire
