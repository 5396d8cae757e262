// The real captures the tests start from, read and analysed once per test binary.
#pragma once
#include <map>
#include <string>

#include "tests/reassembly/analyse.h"
#include "tests/reassembly/segment_list.h"

namespace zkwire::reassembly_testing {

inline const Segments& segments_of(const std::string& name) {
  static std::map<std::string, Segments> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, read_capture(name)).first;
  return it->second;
}

// The analysis of the file exactly as recorded (rewritten through pcap_builder, which keeps every byte
// the decoder reads), which each perturbed copy is held against.
inline const Analysis& original_analysis(const std::string& name) {
  static std::map<std::string, Analysis> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, analyse(segments_of(name))).first;
  return it->second;
}

}  // namespace zkwire::reassembly_testing
