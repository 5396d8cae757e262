// Forgotten sessions' summary entries set aside in a file: each comes back whole, whatever its size, in first-seen
// order.
#include "inspector/archived_sessions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace zkwire {
namespace {

TEST(ArchivedSessions, EntriesComeBackWholeInFirstSeenOrder) {
  ArchivedSessions archive;
  // Added in the order sessions are forgotten, which is not the order they were first seen in; one entry larger
  // than the read buffer starts with, and enough text to pass through the file's write buffer more than once.
  const std::string big(10'000, 'x');
  std::vector<std::string> texts;
  for (int i = 0; i < 3000; ++i)
    texts.push_back("{\"session\":\"" + std::to_string(i) + "\"," + std::string(i % 700, ' ') + "}");
  texts[1234] = "{\"big\":\"" + big + "\"}";
  for (int i = 2999; i >= 0; --i) archive.add(Timestamp{int64_t{i} * 1000}, i, texts[static_cast<size_t>(i)]);
  ASSERT_EQ(archive.size(), 3000u);
  const std::vector<ArchivedSessions::Entry> ordered = archive.in_order();
  for (size_t i = 0; i < ordered.size(); ++i) {
    EXPECT_EQ(ordered[i].session, static_cast<int64_t>(i));
    EXPECT_EQ(archive.text(ordered[i]), texts[i]) << "entry " << i;
  }
}

TEST(ArchivedSessions, SessionsFirstSeenAtTheSameTimeAreOrderedById) {
  ArchivedSessions archive;
  archive.add(Timestamp{5}, 9, "{\"id\":9}");
  archive.add(Timestamp{5}, 3, "{\"id\":3}");
  const auto ordered = archive.in_order();
  ASSERT_EQ(ordered.size(), 2u);
  EXPECT_EQ(archive.text(ordered[0]), "{\"id\":3}");
  EXPECT_EQ(archive.text(ordered[1]), "{\"id\":9}");
}

TEST(ArchivedSessions, ManyRunsAreReadBackAsOneOrder) {
  ArchivedSessions archive;
  // About 12 MiB of entries, added in a scrambled order: several sorted runs in the file, merged on the way out.
  constexpr int kCount = 20'000;
  std::vector<std::string> texts(kCount);
  for (int i = 0; i < kCount; ++i)
    texts[i] = "{\"n\":" + std::to_string(i) + "," + std::string(300 + i % 500, ' ') + "}";
  for (int k = 0; k < kCount; ++k) {
    const int i = static_cast<int>((int64_t{k} * 7919) % kCount);  // 7919 is prime: every i exactly once
    archive.add(Timestamp{int64_t{i} * 1000}, i, texts[static_cast<size_t>(i)]);
  }
  const std::vector<ArchivedSessions::Entry> ordered = archive.in_order();
  ASSERT_EQ(ordered.size(), static_cast<size_t>(kCount));
  uint32_t runs = 0;
  for (const auto& entry : ordered) runs = std::max(runs, entry.run + 1);
  EXPECT_GE(runs, 3u);
  for (size_t i = 0; i < ordered.size(); ++i) ASSERT_EQ(archive.text(ordered[i]), texts[i]) << "entry " << i;
}

}  // namespace
}  // namespace zkwire
