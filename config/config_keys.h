// The one table of configuration keys: YAML path, type, limits, default and meaning. It drives loading,
// validation, the example file and `zkwire describe config`.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "decoder/connection_decoder.h"
#include "inspector/inspector_config.h"

namespace zkwire {

struct Config {
  DecoderOptions decoder;
  InspectorConfig inspector;
};

enum class KeyType : uint8_t { integer, fraction };

struct ConfigKey {
  std::string_view section;
  std::string_view name;
  KeyType type;
  double min, max;
  std::string_view description;
  // Reads and writes the field the key sets; the default is whatever a default-constructed Config holds.
  double (*get)(const Config&);
  void (*set)(Config&, double);
};

std::span<const ConfigKey> all_config_keys();

}  // namespace zkwire
