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
    std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// A value as the example file writes it: numbers bare, strings quoted, lists in flow style.
std::string yaml_value(const ConfigKey& key, const std::vector<std::string>& values) {
  auto quoted = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return q + "\"";
  };
  switch (key.type) {
    case KeyType::integer:
    case KeyType::fraction:
    case KeyType::choice:
      return values.empty() ? "" : values[0];
    case KeyType::text:
      return values.empty() ? "\"\"" : quoted(values[0]);
    case KeyType::list: {
      std::string out = "[";
      for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + quoted(values[i]);
      return out + "]";
    }
  }
  return "";
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

// Checks one value against its key and sets it; a problem is reported at the value's own line and column.
void load_value(const std::string& file, const ConfigKey& key, const YAML::Node& node, Config& config,
                std::vector<ConfigProblem>& problems) {
  std::string where = std::string(key.section) + "." + std::string(key.name);
  auto fail = [&](const YAML::Node& at, const std::string& message) {
    problems.push_back(problem_at(file, at.Mark(), where + ": " + message));
  };
  if (key.type == KeyType::list) {
    std::vector<std::string> items;
    if (node.IsScalar()) {
      items.push_back(node.Scalar());
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!item.IsScalar()) return fail(item, "expected a string in the list");
        items.push_back(item.Scalar());
      }
    } else if (!node.IsNull()) {
      return fail(node, "expected a list of strings, e.g. [\"127.0.0.1:2181\", \"127.0.0.1:2182\"]");
    }
    return key.set(config, items);
  }
  std::string expected = std::string(key_type_name(key.type));
  if (key.type == KeyType::integer || key.type == KeyType::fraction)
    expected += " from " + format_number(key.min, key.type) + " to " + format_number(key.max, key.type);
  if (!node.IsScalar()) return fail(node, "expected " + expected);
  std::string text = node.Scalar();
  if (key.type == KeyType::text) return key.set(config, {text});
  if (key.type == KeyType::choice) {
    std::string_view names = key.choices;
    while (true) {
      if (names.substr(0, names.find('|')) == text) return key.set(config, {text});
      if (names.find('|') == std::string_view::npos) break;
      names = names.substr(names.find('|') + 1);
    }
    std::string expected(key.choices);
    for (char& c : expected)
      if (c == '|') c = ',';
    return fail(node, "'" + text + "' is not one of " + expected);
  }
  double value = 0;
  bool parsed = false;
  try {
    size_t used = 0;
    value = key.type == KeyType::integer ? static_cast<double>(std::stoll(text, &used, 0)) : std::stod(text, &used);
    parsed = used == text.size() && std::isfinite(value);
  } catch (const std::exception&) {
    parsed = false;
  }
  if (!parsed) return fail(node, "expected " + expected + ", got '" + text + "'");
  if (value < key.min || value > key.max) return fail(node, text + " is out of range, expected " + expected);
  key.set(config, {format_number(value, KeyType::fraction == key.type ? KeyType::fraction : KeyType::integer)});
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
    out.problems.push_back(problem_at(name, root.Mark(), "expected a map of sections (decoder, inspector, proxy)"));
    return out;
  }
  for (const auto& section : root) {
    std::string section_name = section.first.Scalar();
    if (known_keys(section_name).empty()) {
      out.problems.push_back(problem_at(name, section.first.Mark(),
                                        "unknown section '" + section_name + "', expected decoder, inspector or proxy"));
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
    out += "  # " + std::string(k.description);
    if (k.type == KeyType::choice) {
      std::string choices(k.choices);
      for (char& c : choices)
        if (c == '|') c = ',';
      out += " (" + choices + ")";
    }
    if (!k.reloadable) out += " [restart to change]";
    out += "\n  " + std::string(k.name) + ": " + yaml_value(k, k.get(defaults)) + "\n";
  }
  return out;
}

}  // namespace zkwire
