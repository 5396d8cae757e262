// A segment the capture never saw: the loss is reported once, only what it touched is lost, and matching stays right.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"
#include "tests/reassembly/segment_search.h"

namespace zkwire::reassembly_testing {
namespace {

// Records minus those of the given kinds, or the one frame record with the given direction and xid.
std::vector<JsonLine> except(const std::vector<JsonLine>& records, std::initializer_list<std::string> kinds) {
  std::vector<JsonLine> out;
  for (const JsonLine& r : records) {
    if (std::find(kinds.begin(), kinds.end(), r.str("kind")) == kinds.end()) out.push_back(r);
  }
  return out;
}
std::vector<JsonLine> except_frame(const std::vector<JsonLine>& records, const std::string& dir, int64_t xid) {
  std::vector<JsonLine> out;
  for (const JsonLine& r : records) {
    bool frame = r.str("kind") == "request" || r.str("kind") == "reply";
    if (!(frame && r.str("dir") == dir && r.num("xid") == xid)) out.push_back(r);
  }
  return out;
}

void expect_every_reply_matched_in_order(const Analysis& analysis) {
  for (const JsonLine& reply : analysis.of_kind("reply")) {
    EXPECT_FALSE(reply.is_true("unmatched")) << reply.text();
    EXPECT_FALSE(reply.is_true("out_of_order")) << reply.text();
  }
}

// The n-th data segment from `client` (or from the server) after index `after`.
size_t nth_data_segment_after(const Segments& all, size_t after, bool client, size_t n) {
  for (size_t i = after + 1; i < all.size(); ++i) {
    if (all[i].carries_data() && from_client(all[i]) == client && --n == 0) return i;
  }
  ADD_FAILURE() << "not that many data segments";
  return all.size() - 1;
}

TEST(LostSegment, InsideTheLargeSetDataRequestDropsOnlyThatFrameAndKeepsItsReplyMatched) {
  const Segments& all = segments_of("large_value.pcap");
  const size_t request = request_segment(all, 2);  // setData of 900,000 bytes, 15+ segments long
  ASSERT_EQ(frame_start(all[request])->op, 5);
  const size_t lost = nth_data_segment_after(all, request, true, 5);
  const Analysis perturbed = analyse(without(all, lost));

  ASSERT_EQ(perturbed.count("capture_gap"), 1u);
  const JsonLine gap = perturbed.of_kind("capture_gap")[0];
  EXPECT_EQ(gap.str("dir"), "c2s");
  EXPECT_EQ(gap.num("missing_bytes"), static_cast<int64_t>(all[lost].payload.size()));
  ASSERT_EQ(perturbed.count("decode_error"), 1u);
  const JsonLine truncated = perturbed.of_kind("decode_error")[0];
  EXPECT_EQ(truncated.str("error"), "truncated_frame");
  EXPECT_EQ(truncated.str("op"), "setData");
  EXPECT_EQ(truncated.num("xid"), 2);
  EXPECT_EQ(perturbed.count("stream_resync"), 0u) << "the frame's length was known: framing was never lost";
  expect_every_reply_matched_in_order(perturbed);
  // Everything else, the setData reply and the 900 KB getData after it included, exactly as before.
  EXPECT_TRUE(same_records(what_was_decoded(except_frame(original_analysis("large_value.pcap").records, "c2s", 2)),
                           what_was_decoded(except(perturbed.records, {"capture_gap", "decode_error"}))));
}

TEST(LostSegment, InsideTheLargeGetDataReplyDropsOnlyThatReply) {
  const Segments& all = segments_of("large_value.pcap");
  const size_t reply = reply_segment(all, 3);  // getData's 900,088-byte reply
  const size_t lost = nth_data_segment_after(all, reply, false, 6);
  const Analysis perturbed = analyse(without(all, lost));

  ASSERT_EQ(perturbed.count("capture_gap"), 1u);
  EXPECT_EQ(perturbed.of_kind("capture_gap")[0].str("dir"), "s2c");
  ASSERT_EQ(perturbed.count("decode_error"), 1u);
  const JsonLine truncated = perturbed.of_kind("decode_error")[0];
  EXPECT_EQ(truncated.str("error"), "truncated_frame");
  EXPECT_EQ(truncated.str("op"), "getData") << "the reply header was seen, so it answers getData";
  EXPECT_EQ(truncated.num("xid"), 3);
  expect_every_reply_matched_in_order(perturbed);
  EXPECT_TRUE(same_records(what_was_decoded(except_frame(original_analysis("large_value.pcap").records, "s2c", 3)),
                           what_was_decoded(except(perturbed.records, {"capture_gap", "decode_error"}))));
  EXPECT_EQ(perturbed.of_kind("connection_close")[0].num("pending"), 0);
}

TEST(LostSegment, HoldingAWholeRequestLeavesItsReplyUnmatchedAndResyncsAtTheNextRequest) {
  const Segments& all = segments_of("kazoo_crud.pcap");
  const size_t lost = request_segment(all, 10);  // getData of a 1-byte value
  const Analysis perturbed = analyse(without(all, lost));
  const Analysis& original = original_analysis("kazoo_crud.pcap");

  // In order on the client side: the gap, then a resync exactly where request 11 starts, then request 11.
  std::vector<JsonLine> client_side;
  for (const JsonLine& r : perturbed.records) {
    if (r.str("dir") == "c2s" && r.str("kind") != "connection_open") client_side.push_back(r);
  }
  auto gap = std::find_if(client_side.begin(), client_side.end(),
                          [](const JsonLine& r) { return r.str("kind") == "capture_gap"; });
  ASSERT_NE(gap, client_side.end());
  EXPECT_EQ(gap->num("missing_bytes"), static_cast<int64_t>(all[lost].payload.size()));
  ASSERT_LT(gap + 2, client_side.end());
  EXPECT_EQ(gap[1].str("kind"), "stream_resync");
  EXPECT_EQ(gap[1].num("skipped_bytes"), 0);
  EXPECT_EQ(gap[2].str("kind"), "request");
  EXPECT_EQ(gap[2].num("xid"), 11);
  EXPECT_EQ(gap[1].num("offset"), gap[2].num("offset"));
  EXPECT_EQ(perturbed.count("capture_gap"), 1u);
  EXPECT_EQ(perturbed.count("stream_resync"), 1u);
  EXPECT_EQ(perturbed.count("decode_error"), 0u) << "a hole between frames truncates nothing";

  // The lost request's reply is unmatched, with no op guessed; every other reply is matched as before.
  for (const JsonLine& reply : perturbed.of_kind("reply")) {
    SCOPED_TRACE(reply.text());
    if (reply.num("xid") == 10) {
      EXPECT_TRUE(reply.is_true("unmatched"));
      EXPECT_FALSE(reply.has("op"));
    } else {
      EXPECT_FALSE(reply.is_true("unmatched"));
      EXPECT_FALSE(reply.is_true("out_of_order"));
    }
  }
  EXPECT_EQ(perturbed.count("request"), original.count("request") - 1);
  EXPECT_EQ(perturbed.count("reply"), original.count("reply"));
  EXPECT_EQ(perturbed.of_kind("connection_close")[0].num("pending"), 0);
}

TEST(LostSegment, HoldingARequestBodyButNotItsHeaderKeepsTheReplyMatched) {
  // The request is split after its 12 header bytes (length, xid, op), and the segment with the body is lost.
  const Segments& all = segments_of("kazoo_crud.pcap");
  const size_t request = request_segment(all, 10);
  const Analysis perturbed = analyse(keep_front(all, request, 12));

  ASSERT_EQ(perturbed.count("capture_gap"), 1u);
  EXPECT_EQ(perturbed.count("stream_resync"), 0u) << "the frame's length was known: framing was never lost";
  ASSERT_EQ(perturbed.count("decode_error"), 1u);
  const JsonLine truncated = perturbed.of_kind("decode_error")[0];
  EXPECT_EQ(truncated.str("error"), "truncated_frame");
  EXPECT_EQ(truncated.str("op"), "getData");
  EXPECT_EQ(truncated.num("xid"), 10);
  expect_every_reply_matched_in_order(perturbed);
  EXPECT_TRUE(same_records(what_was_decoded(except_frame(original_analysis("kazoo_crud.pcap").records, "c2s", 10)),
                           what_was_decoded(except(perturbed.records, {"capture_gap", "decode_error"}))));
}

}  // namespace
}  // namespace zkwire::reassembly_testing
