// Segments that arrive out of order decode exactly as the capture in which they arrived in order.
#include <gtest/gtest.h>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"

namespace zkwire::reassembly_testing {
namespace {

const char* const kCaptures[] = {"kazoo_crud.pcap", "cclient.pcap", "java_extended.pcap", "large_value.pcap"};

// Small requests and replies travel as one segment each, which leaves nothing to reorder: those bursts are
// first cut into four, so that every burst of every capture has segments out of place.
Segments in_pieces(const Segments& burst) {
  if (burst.size() >= 3) return burst;
  size_t bytes = 0;
  for (const Segment& s : burst) bytes += s.payload.size();
  return recut(burst, (bytes + 3) / 4);
}

void expect_same_as_original(const std::string& name, const BurstEdit& edit) {
  SCOPED_TRACE(name);
  const Analysis perturbed = analyse(edit_bursts(segments_of(name), edit));
  EXPECT_TRUE(same_records(what_was_decoded(original_analysis(name).records), what_was_decoded(perturbed.records)));
  EXPECT_EQ(perturbed.result.stats.gaps, 0u);
}

TEST(ReorderedSegments, NeighboursSwappedInEveryBurstDecodeAsTheOriginal) {
  for (const char* name : kCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return swap_neighbours(in_pieces(burst)); });
  }
}

TEST(ReorderedSegments, RunsOfThreeToFiveReversedInEveryBurstDecodeAsTheOriginal) {
  for (const char* name : kCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return reverse_runs(in_pieces(burst), {3, 5, 4}); });
  }
}

TEST(ReorderedSegments, TheWholeLargeValueArrivingBackToFrontDecodesAsTheOriginal) {
  // Up to 17 segments held at once: about 900 KB waiting for the first one, under the 1 MiB limit.
  expect_same_as_original("large_value.pcap", [](const Segments& burst) { return reverse_runs(burst, {burst.size()}); });
}

}  // namespace
}  // namespace zkwire::reassembly_testing
