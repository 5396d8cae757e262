// Smoke test over the recorded captures in captures/: every one reads cleanly, without holes.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "capture/capture_reader.h"
#include "tests/capture/recording_sink.h"

namespace zkwire::capture {
namespace {

std::vector<std::filesystem::path> recorded_captures() {
  std::vector<std::filesystem::path> found;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(ZKWIRE_CAPTURES_DIR, error)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".pcap") != std::string::npos) found.push_back(entry.path());
  }
  return found;
}

TEST(RecordedCaptures, ReadWithoutGapsOrMalformedPackets) {
  const auto captures = recorded_captures();
  if (captures.empty()) GTEST_SKIP() << "no captures in " << ZKWIRE_CAPTURES_DIR;
  for (const auto& path : captures) {
    SCOPED_TRACE(path.string());
    testing::RecordingSink sink;
    const CaptureResult result = CaptureReader({}).run_file(path.string(), sink);
    EXPECT_FALSE(result.error.failed()) << result.error.message;
    EXPECT_GT(result.stats.tcp_segments, 0u);
    EXPECT_EQ(result.stats.malformed, 0u);
    EXPECT_EQ(result.stats.gaps, 0u);
    EXPECT_FALSE(sink.flows.empty());
  }
}

}  // namespace
}  // namespace zkwire::capture
