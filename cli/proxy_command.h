// `zkwire proxy`: the transparent sidecar between ZooKeeper clients and an ensemble.
#pragma once
#include <span>
#include <string_view>

namespace zkwire {

int run_proxy(std::span<const std::string_view> args);

}  // namespace zkwire
