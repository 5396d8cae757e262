// Loads the YAML configuration: every problem reported with file:line:column and what was expected.
#pragma once
#include <string>
#include <vector>

#include "config/config_keys.h"

namespace zkwire {

struct ConfigProblem {
  std::string file;
  int line = 0, column = 0;  // 1-based; 0 when the problem has no place (an unreadable file)
  std::string message;
  std::string to_string() const;
};

struct LoadedConfig {
  Config config;
  std::vector<ConfigProblem> problems;  // empty: config is good to use
};

LoadedConfig load_config_file(const std::string& path);
LoadedConfig load_config_text(const std::string& text, const std::string& name);
// Every key with its default and meaning, as a YAML file a user can start from.
std::string example_config_yaml();

}  // namespace zkwire
