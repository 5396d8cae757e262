// Splitting off the weight, checking it, and resolving the address.
#include "proxy/server_spec.h"

#include <charconv>
#include <cmath>

namespace zkwire {

std::optional<ServerSpec> parse_server_spec(std::string_view text, std::string& error) {
  ServerSpec spec;
  std::string_view address = text;
  if (const size_t at = text.rfind('@'); at != std::string_view::npos) {
    address = text.substr(0, at);
    std::string_view weight = text.substr(at + 1);
    auto [end, ec] = std::from_chars(weight.data(), weight.data() + weight.size(), spec.weight);
    if (ec != std::errc{} || end != weight.data() + weight.size() || !std::isfinite(spec.weight) ||
        spec.weight < 0 || spec.weight > 1000) {
      error = "'" + std::string(text) + "': the weight after '@' must be a number from 0 to 1000";
      return std::nullopt;
    }
  }
  auto resolved = resolve_address(address, error);
  if (!resolved) return std::nullopt;
  spec.address = std::move(*resolved);
  return spec;
}

std::optional<std::vector<ServerSpec>> parse_server_list(const std::vector<std::string>& texts, std::string& error) {
  std::vector<ServerSpec> specs;
  for (const std::string& text : texts) {
    auto spec = parse_server_spec(text, error);
    if (!spec) return std::nullopt;
    for (const ServerSpec& earlier : specs) {
      if (earlier.address.text == spec->address.text) {
        error = "'" + text + "' is listed twice";
        return std::nullopt;
      }
    }
    specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace zkwire
