// Comparing two analyses record by record, with the fields that only say when (or where) things happened left out.
#pragma once
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "tests/reassembly/analyse.h"

namespace zkwire::reassembly_testing {

// Moving, re-cutting or repeating packets changes when a frame becomes whole, so `ts` and the latency
// computed from it are not part of what must stay the same; everything else is.
inline std::vector<std::string> what_was_decoded(const std::vector<JsonLine>& records,
                                                 std::initializer_list<std::string> also_ignored = {}) {
  std::vector<std::string> dropped{"ts", "latency_us"};
  dropped.insert(dropped.end(), also_ignored.begin(), also_ignored.end());
  std::vector<std::string> out;
  for (const JsonLine& r : records) out.push_back(r.without(dropped));
  return out;
}

// The first difference is what explains a failure; a full dump of a large capture would bury it.
inline ::testing::AssertionResult same_records(const std::vector<std::string>& expected,
                                               const std::vector<std::string>& actual) {
  for (size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
    if (expected[i] != actual[i]) {
      return ::testing::AssertionFailure() << "record " << i << " differs:\n  expected " << expected[i]
                                           << "\n  actual   " << actual[i];
    }
  }
  if (expected.size() != actual.size()) {
    const auto& longer = expected.size() > actual.size() ? expected : actual;
    return ::testing::AssertionFailure() << expected.size() << " records expected, " << actual.size()
                                         << " decoded; the first extra one: "
                                         << longer[std::min(expected.size(), actual.size())];
  }
  return ::testing::AssertionSuccess();
}

}  // namespace zkwire::reassembly_testing
