// The same bytes cut into different segments, overlapping or not, decode exactly as the original cut.
#include <gtest/gtest.h>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"

namespace zkwire::reassembly_testing {
namespace {

const char* const kSmallCaptures[] = {"kazoo_crud.pcap", "cclient.pcap", "java_extended.pcap"};

void expect_same_as_original(const std::string& name, const BurstEdit& edit) {
  SCOPED_TRACE(name);
  const Analysis perturbed = analyse(edit_bursts(segments_of(name), edit));
  EXPECT_TRUE(same_records(what_was_decoded(original_analysis(name).records), what_was_decoded(perturbed.records)));
  EXPECT_EQ(perturbed.result.stats.gaps, 0u);
}

TEST(ResegmentedStreams, SegmentsOverlappingTheirNeighbourDecodeAsTheOriginal) {
  for (const char* name : kSmallCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return recut(burst, 7, 5); });
  }
  expect_same_as_original("large_value.pcap", [](const Segments& burst) { return recut(burst, 4000, 1500); });
}

TEST(ResegmentedStreams, SegmentsOverlappingTwoOthersDecodeAsTheOriginal) {
  // Each byte arrives in up to three segments, and each segment starts inside the one before.
  for (const char* name : kSmallCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return recut(burst, 5, 9); });
  }
}

TEST(ResegmentedStreams, OverlappingSegmentsArrivingBackToFrontDecodeAsTheOriginal) {
  // Later segments are held first; the earlier ones then overlap held data from below.
  for (const char* name : kSmallCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return reverse_runs(recut(burst, 6, 4), {3, 5}); });
  }
  expect_same_as_original("large_value.pcap",
                          [](const Segments& burst) { return reverse_runs(recut(burst, 30000, 9000), {4}); });
}

TEST(ResegmentedStreams, OneByteSegmentsDecodeAsTheOriginal) {
  for (const char* name : kSmallCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return recut(burst, 1); });
  }
}

TEST(ResegmentedStreams, OneSegmentPerBurstDecodesAsTheOriginal) {
  // The large value's bursts are cut at 65,000 bytes, the most one IPv4 packet carries here.
  for (const char* name : kSmallCaptures) {
    expect_same_as_original(name, [](const Segments& burst) { return recut(burst, SIZE_MAX); });
  }
  expect_same_as_original("large_value.pcap", [](const Segments& burst) { return recut(burst, SIZE_MAX); });
}

}  // namespace
}  // namespace zkwire::reassembly_testing
