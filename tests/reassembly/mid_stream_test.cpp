// A capture that starts after the connection opened: boundaries are found, and only what was never seen is unmatched.
#include <gtest/gtest.h>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"
#include "tests/reassembly/segment_search.h"

namespace zkwire::reassembly_testing {
namespace {

// Requests, replies and events of the original from request `first_xid` on (pings and notifications included),
// without what a capture that missed the handshake cannot know: the session, and offsets from the stream start.
std::vector<std::string> frames_from(const std::vector<JsonLine>& records, int64_t first_xid, bool skip_unmatched) {
  std::vector<JsonLine> out;
  bool started = false;
  for (const JsonLine& r : records) {
    const std::string kind = r.str("kind");
    if (kind == "request" && r.num("xid") == first_xid) started = true;
    if (!started || (kind != "request" && kind != "reply" && kind != "event")) continue;
    if (skip_unmatched && r.is_true("unmatched")) continue;
    out.push_back(r);
  }
  return what_was_decoded(out, {"session", "offset"});
}

std::vector<JsonLine> on_side(const Analysis& analysis, const std::string& kind, const std::string& dir) {
  std::vector<JsonLine> out;
  for (const JsonLine& r : analysis.of_kind(kind)) {
    if (r.str("dir") == dir) out.push_back(r);
  }
  return out;
}

void expect_began_mid_connection(const Analysis& analysis) {
  ASSERT_EQ(analysis.count("connection_open"), 1u);
  EXPECT_NE(analysis.of_kind("connection_open")[0].str("detail").find("the capture began after the connection opened"),
            std::string::npos);
}

void expect_unmatched_reply_to(const Analysis& analysis, int64_t xid) {
  std::vector<JsonLine> unmatched;
  for (const JsonLine& reply : analysis.of_kind("reply")) {
    if (reply.is_true("unmatched")) unmatched.push_back(reply);
  }
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_EQ(unmatched[0].num("xid"), xid);
  EXPECT_FALSE(unmatched[0].has("op")) << "the op of a request never seen is not guessed";
}

TEST(MidStreamCapture, StartingBetweenARequestAndItsReplyLeavesOnlyThatReplyUnmatched) {
  const Segments& all = segments_of("kazoo_crud.pcap");
  // Handshake, auth and requests 1-5 were never captured; the reply to 5 is the first packet.
  const Analysis perturbed = analyse(from(all, reply_segment(all, 5)));

  expect_began_mid_connection(perturbed);
  for (const char* dir : {"c2s", "s2c"}) {
    SCOPED_TRACE(dir);
    auto resyncs = on_side(perturbed, "stream_resync", dir);
    ASSERT_EQ(resyncs.size(), 1u) << "the first frame boundary of each side is inferred once";
    EXPECT_EQ(resyncs[0].num("offset"), 0) << "the capture began on a frame boundary";
    EXPECT_EQ(resyncs[0].num("skipped_bytes"), 0);
  }
  expect_unmatched_reply_to(perturbed, 5);
  EXPECT_EQ(perturbed.count("capture_gap"), 0u);
  EXPECT_EQ(perturbed.count("decode_error"), 0u);
  // Every request after the cut is decoded and matched with its reply, as in the full capture.
  EXPECT_TRUE(same_records(frames_from(original_analysis("kazoo_crud.pcap").records, 6, false),
                           frames_from(perturbed.records, 6, true)));
  EXPECT_EQ(perturbed.of_kind("connection_close")[0].num("pending"), 0);
}

TEST(MidStreamCapture, StartingInsideARequestResyncsWhereTheNextRequestStarts) {
  const Segments& all = segments_of("kazoo_crud.pcap");
  // The first packet is request 5 without its first 7 bytes: the client side starts inside a frame.
  Segments late = trim_front(from(all, request_segment(all, 5)), 0, 7);
  const auto partial_bytes = static_cast<int64_t>(late[0].payload.size());
  const Analysis perturbed = analyse(late);

  expect_began_mid_connection(perturbed);
  auto client_resyncs = on_side(perturbed, "stream_resync", "c2s");
  ASSERT_EQ(client_resyncs.size(), 1u);
  EXPECT_EQ(client_resyncs[0].num("offset"), partial_bytes) << "request 6 starts right after the partial request 5";
  EXPECT_EQ(client_resyncs[0].num("skipped_bytes"), partial_bytes);
  auto server_resyncs = on_side(perturbed, "stream_resync", "s2c");
  ASSERT_EQ(server_resyncs.size(), 1u);
  EXPECT_EQ(server_resyncs[0].num("offset"), 0);
  expect_unmatched_reply_to(perturbed, 5);
  EXPECT_EQ(perturbed.count("capture_gap"), 0u);
  EXPECT_TRUE(same_records(frames_from(original_analysis("kazoo_crud.pcap").records, 6, false),
                           frames_from(perturbed.records, 6, true)));
  EXPECT_EQ(perturbed.of_kind("connection_close")[0].num("pending"), 0);
}

TEST(MidStreamCapture, StartingInsideTheLargeValueSkipsItAndDecodesWhatFollows) {
  const Segments& all = segments_of("large_value.pcap");
  // The capture begins with the third segment of the 900 KB setData: its reply (xid 2) is unmatched.
  const size_t request = request_segment(all, 2);
  size_t third = request;
  for (int n = 0; n < 2; ++n) {
    do ++third;
    while (!(all[third].carries_data() && from_client(all[third])));
  }
  const Analysis perturbed = analyse(from(all, third));

  expect_began_mid_connection(perturbed);
  expect_unmatched_reply_to(perturbed, 2);
  EXPECT_EQ(perturbed.count("capture_gap"), 0u);
  EXPECT_TRUE(same_records(frames_from(original_analysis("large_value.pcap").records, 3, false),
                           frames_from(perturbed.records, 3, true)));
}

}  // namespace
}  // namespace zkwire::reassembly_testing
