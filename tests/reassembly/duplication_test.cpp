// Segments seen twice, right away or much later (retransmissions), are decoded once.
#include <gtest/gtest.h>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"

namespace zkwire::reassembly_testing {
namespace {

const char* const kCaptures[] = {"kazoo_crud.pcap", "cclient.pcap", "java_extended.pcap", "large_value.pcap"};

void expect_same_as_original(const std::string& name, const Segments& perturbed_segments) {
  SCOPED_TRACE(name);
  const Analysis perturbed = analyse(perturbed_segments);
  EXPECT_TRUE(same_records(what_was_decoded(original_analysis(name).records), what_was_decoded(perturbed.records)));
  EXPECT_EQ(perturbed.result.stats.gaps, 0u);
}

TEST(DuplicatedSegments, EveryDataSegmentSentTwiceDecodesAsTheOriginal) {
  for (const char* name : kCaptures) expect_same_as_original(name, each_data_segment_twice(segments_of(name)));
}

TEST(DuplicatedSegments, RetransmissionsLongAfterTheOriginalDecodeAsTheOriginal) {
  // Every third data segment again, 25 packets later: by then its bytes were delivered long ago.
  for (const char* name : kCaptures) expect_same_as_original(name, resend_later(segments_of(name), 3, 25));
}

TEST(DuplicatedSegments, RetransmissionsOfAReorderedBurstDecodeAsTheOriginal) {
  // Duplicates of bytes that are still held behind a hole must not be held, or delivered, twice.
  for (const char* name : kCaptures) {
    expect_same_as_original(name, edit_bursts(segments_of(name), [](const Segments& burst) {
                              return each_data_segment_twice(reverse_runs(burst, {4}));
                            }));
  }
}

}  // namespace
}  // namespace zkwire::reassembly_testing
