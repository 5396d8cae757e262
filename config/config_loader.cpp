// YAML through yaml-cpp, validated against the key table; exceptions stop here, problems leave as values.
#include "config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace zkwire {
namespace {

ConfigProblem problem_at(const std::string& file, const YAML::Mark& mark, std::string message) {
  return {file, mark.line + 1, mark.column + 1, std::move(message)};
}

std::string format_number(double v, KeyType type) {
  char buf[64];
  if (type == KeyType::integer)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

const ConfigKey* find_key(std::string_view section, std::string_view name) {
  for (const ConfigKey& k : all_config_keys())
    if (k.section == section && k.name == name) return &k;
  return nullptr;
}

std::string known_keys(std::string_view section) {
  std::string names;
  for (const ConfigKey& k : all_config_keys())
    if (k.section == section) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

void load_value(const std::string& file, const ConfigKey& key, const YAML::Node& node, Config& config,
                std::vector<ConfigProblem>& problems) {
  std::string text = node.IsScalar() ? node.Scalar() : std::string();
  std::string where = std::string(key.section) + "." + std::string(key.name);
  double value = 0;
  bool parsed = false;
  if (node.IsScalar()) {
    try {
      size_t used = 0;
      if (key.type == KeyType::integer) {
        long long v = std::stoll(text, &used, 0);
        value = static_cast<double>(v);
      } else {
        value = std::stod(text, &used);
      }
      parsed = used == text.size() && std::isfinite(value);
    } catch (const std::exception&) {
      parsed = false;
    }
  }
  std::string expected = key.type == KeyType::integer ? "an integer" : "a number";
  expected += " from " + format_number(key.min, key.type) + " to " + format_number(key.max, key.type);
  if (!parsed) {
    problems.push_back(problem_at(file, node.Mark(), where + ": expected " + expected + ", got '" + text + "'"));
    return;
  }
  if (value < key.min || value > key.max) {
    problems.push_back(problem_at(file, node.Mark(), where + ": " + text + " is out of range, expected " + expected));
    return;
  }
  key.set(config, value);
}

LoadedConfig load_yaml(const std::string& text, const std::string& name);

}  // namespace

std::string ConfigProblem::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

LoadedConfig load_config_text(const std::string& text, const std::string& name) {
  try {
    return load_yaml(text, name);
  } catch (const YAML::Exception& e) {
    LoadedConfig out;
    out.problems.push_back(problem_at(name, e.mark, "YAML: " + e.msg));
    return out;
  }
}

namespace {
LoadedConfig load_yaml(const std::string& text, const std::string& name) {
  LoadedConfig out;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    out.problems.push_back(problem_at(name, e.mark, "YAML syntax: " + e.msg));
    return out;
  }
  if (root.IsNull()) return out;  // an empty file keeps every default
  if (!root.IsMap()) {
    out.problems.push_back(problem_at(name, root.Mark(), "expected a map of sections (decoder, inspector)"));
    return out;
  }
  for (const auto& section : root) {
    std::string section_name = section.first.Scalar();
    if (known_keys(section_name).empty()) {
      out.problems.push_back(problem_at(name, section.first.Mark(),
                                        "unknown section '" + section_name + "', expected decoder or inspector"));
      continue;
    }
    if (!section.second.IsMap()) {
      out.problems.push_back(problem_at(name, section.second.Mark(), "section '" + section_name + "' must be a map"));
      continue;
    }
    for (const auto& entry : section.second) {
      std::string key_name = entry.first.Scalar();
      const ConfigKey* key = find_key(section_name, key_name);
      if (!key) {
        out.problems.push_back(problem_at(name, entry.first.Mark(),
                                          "unknown key '" + section_name + "." + key_name +
                                              "', expected one of: " + known_keys(section_name)));
        continue;
      }
      load_value(name, *key, entry.second, out.config, out.problems);
    }
  }
  return out;
}
}  // namespace

LoadedConfig load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadedConfig out;
    out.problems.push_back({path, 0, 0, "cannot read the configuration file"});
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), path);
}

std::string example_config_yaml() {
  Config defaults;
  std::string out =
      "# zkwire configuration: every key with its default. Generated from config/config_keys.cpp\n"
      "# (zkwire describe config); a missing key keeps its default, an unknown key is an error.\n";
  std::string_view section;
  for (const ConfigKey& k : all_config_keys()) {
    if (k.section != section) {
      section = k.section;
      out += "\n" + std::string(section) + ":\n";
    }
    out += "  # " + std::string(k.description) + "\n";
    out += "  " + std::string(k.name) + ": " + format_number(k.get(defaults), k.type) + "\n";
  }
  return out;
}

}  // namespace zkwire
