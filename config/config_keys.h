// The one table of configuration keys: YAML path, type, limits, default and meaning. It drives loading,
// validation, the example file, `zkwire describe config` and the proxy's /config.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "decoder/connection_decoder.h"
#include "inspector/inspector_config.h"
#include "proxy/proxy_options.h"

namespace zkwire {

struct Config {
  DecoderOptions decoder;
  InspectorConfig inspector;
  ProxyOptions proxy;
};

enum class KeyType : uint8_t { integer, fraction, text, list, choice };

struct ConfigKey {
  std::string_view section;
  std::string_view name;
  KeyType type;
  double min = 0, max = 0;  // integer and fraction keys
  std::string_view choices;  // choice keys: "a|b|c"
  bool reloadable = false;  // can change on SIGHUP without a restart
  std::string_view description;
  // The key's value: a number, a string, or a list's items. The default is a default-constructed Config's.
  std::vector<std::string> (*get)(const Config&);
  // Sets the key from values already checked against its type, range and choices.
  void (*set)(Config&, const std::vector<std::string>& values);
};

std::span<const ConfigKey> all_config_keys();
std::string_view key_type_name(KeyType type);

}  // namespace zkwire
