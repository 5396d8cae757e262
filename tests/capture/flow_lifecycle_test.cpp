// Whole connections through a capture file: delivery, holes, closing, reuse and eviction.
#include <gtest/gtest.h>

#include "tests/capture/capture_run.h"

namespace zkwire::capture::testing {
namespace {

constexpr int64_t minute_ns = 60LL * 1'000'000'000;

TEST(FlowLifecycle, HandshakeDataAndFinsGiveOneCompleteFlow) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "hello", flag::ack | flag::psh, 5001));
  capture.add(from_server(5001, "world", flag::ack | flag::psh, 1006));
  capture.add(from_client(1006, {}, flag::fin | flag::ack, 5006));
  capture.add(from_server(5006, {}, flag::fin | flag::ack, 1007));
  capture.add(from_client(1007, {}, flag::ack, 5007));
  const auto run = run_capture(capture);

  EXPECT_FALSE(run.result.error.failed());
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.client.to_string(), "10.0.0.1:40000");
  EXPECT_EQ(flow.info.server.to_string(), "10.0.0.2:2181");
  EXPECT_EQ(flow.info.basis, ServerSideBasis::port);
  EXPECT_FALSE(flow.info.started_mid_stream);
  EXPECT_EQ(flow.client_bytes, "hello");
  EXPECT_EQ(flow.server_bytes, "world");
  EXPECT_TRUE(flow.gaps.empty());
  ASSERT_TRUE(flow.close.has_value());
  EXPECT_EQ(flow.close->how, FlowEnd::fin);
  EXPECT_EQ(flow.close->first_closer, Direction::client_to_server);
  EXPECT_EQ(run.result.stats.packets, 8u);
  EXPECT_EQ(run.result.stats.tcp_segments, 8u);
  EXPECT_EQ(run.result.stats.flows, 1u);
  EXPECT_EQ(run.result.stats.gaps, 0u);
}

TEST(FlowLifecycle, ServerClosingFirstIsRecorded) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "ping", flag::ack | flag::psh, 5001));
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 1005));
  capture.add(from_client(1005, {}, flag::fin | flag::ack, 5002));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.close->how, FlowEnd::fin);
  EXPECT_EQ(flow.close->first_closer, Direction::server_to_client);
  EXPECT_EQ(flow.client_bytes, "ping");
}

TEST(FlowLifecycle, DataSentAfterTheOtherSideClosedIsStillDelivered) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, {}, flag::fin | flag::ack, 5001));
  capture.add(from_server(5001, "bye", flag::ack | flag::psh, 1002));
  capture.add(from_server(5004, {}, flag::fin | flag::ack, 1002));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.server_bytes, "bye");
  EXPECT_EQ(flow.close->how, FlowEnd::fin);
  EXPECT_EQ(flow.close->first_closer, Direction::client_to_server);
}

TEST(FlowLifecycle, ResetClosesAtOnceAndNamesItsSender) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "req", flag::ack | flag::psh, 5001));
  capture.at({1'700'000'001'000'000'000});
  capture.add(from_server(5001, {}, flag::rst | flag::ack, 1004));
  capture.add(from_client(1004, "late", flag::ack | flag::psh, 5001));  // ignored: flow is over
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "req");
  EXPECT_EQ(flow.close->how, FlowEnd::rst);
  EXPECT_EQ(flow.close->first_closer, Direction::server_to_client);
  EXPECT_EQ(flow.closed_at, Timestamp{1'700'000'001'000'000'000});
}

TEST(FlowLifecycle, ResetAfterAFinKeepsTheFinSenderAsFirstCloser) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, {}, flag::fin | flag::ack, 5001));
  capture.add(from_server(5001, {}, flag::rst, 0));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.close->how, FlowEnd::rst);
  EXPECT_EQ(flow.close->first_closer, Direction::client_to_server);
}

TEST(FlowLifecycle, FlowStillOpenAtTheEndIsClosedAsCaptureEnd) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "abc", flag::ack | flag::psh, 5001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.close->how, FlowEnd::capture_end);
  EXPECT_FALSE(flow.close->first_closer.has_value());
  EXPECT_EQ(flow.client_bytes, "abc");
}

TEST(FlowLifecycle, HalfClosedFlowAtTheEndRemembersWhoBeganClosing) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 1001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.close->how, FlowEnd::capture_end);
  EXPECT_EQ(flow.close->first_closer, Direction::server_to_client);
}

TEST(FlowLifecycle, CaptureStartingMidConnectionUsesTheFirstSequenceNumbers) {
  PcapBuilder capture;
  capture.add(from_server(777000, "tail of a reply", flag::ack | flag::psh, 123000));
  capture.add(from_client(123000, "next request", flag::ack | flag::psh, 777015));
  capture.add(from_server(777015, "next reply", flag::ack | flag::psh, 123012));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_TRUE(flow.info.started_mid_stream);
  EXPECT_EQ(flow.info.server.port, 2181);
  EXPECT_EQ(flow.client_bytes, "next request");
  EXPECT_EQ(flow.server_bytes, "tail of a replynext reply");
  EXPECT_TRUE(flow.gaps.empty());
}

TEST(FlowLifecycle, MissingSegmentGivesExactlyOneGapOfItsSizeAndDeliveryContinues) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "aaaa", flag::ack | flag::psh, 5001));
  // "bbbbbb" at 1005 was never captured.
  capture.add(from_client(1011, "cccc", flag::ack | flag::psh, 5001));
  capture.add(from_server(5001, "ok", flag::ack | flag::psh, 1015));  // it did arrive
  capture.add(from_client(1015, "dd", flag::ack | flag::psh, 5003));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  ASSERT_EQ(flow.gaps.size(), 1u);
  EXPECT_EQ(flow.gaps[0].first, Direction::client_to_server);
  EXPECT_EQ(flow.gaps[0].second, 6u);
  EXPECT_EQ(flow.client_bytes, "aaaa??????ccccdd");
  EXPECT_EQ(flow.server_bytes, "ok");
  EXPECT_EQ(run.result.stats.gaps, 1u);
  EXPECT_EQ(run.result.stats.lost_bytes, 6u);
}

TEST(FlowLifecycle, HoleNobodyAcknowledgesIsDeclaredAtCaptureEnd) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "aa", flag::ack | flag::psh, 5001));
  capture.add(from_client(1005, "cc", flag::ack | flag::psh, 5001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "aa??cc");
  EXPECT_EQ(flow.close->how, FlowEnd::capture_end);
}

TEST(FlowLifecycle, ReorderedAndDuplicatedSegmentsAcrossTheFileAreDeliveredOnceInOrder) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1009, "3333", flag::ack | flag::psh, 5001));
  capture.add(from_client(1005, "2222", flag::ack | flag::psh, 5001));
  capture.add(from_client(1009, "3333", flag::ack | flag::psh, 5001));
  capture.add(from_client(1001, "1111", flag::ack | flag::psh, 5001));
  capture.add(from_client(1001, "1111", flag::ack | flag::psh, 5001));
  capture.add(from_client(1003, "11222233", flag::ack | flag::psh, 5001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "111122223333");
  EXPECT_TRUE(flow.gaps.empty());
}

TEST(FlowLifecycle, SequenceNumbersWrappingPastZeroKeepTheStreamWhole) {
  PcapBuilder capture;
  capture.add(from_client(0xFFFFFFFD, {}, flag::syn));  // first payload byte: 0xFFFFFFFE
  capture.add(from_server(5000, {}, flag::syn | flag::ack, 0xFFFFFFFE));
  capture.add(from_client(0x00000002, "efgh", flag::ack | flag::psh, 5001));  // arrives first
  capture.add(from_client(0xFFFFFFFE, "abcd", flag::ack | flag::psh, 5001));
  capture.add(from_client(0x00000006, {}, flag::fin | flag::ack, 5001));
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 0x00000007));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "abcdefgh");
  EXPECT_TRUE(flow.gaps.empty());
  EXPECT_EQ(flow.close->how, FlowEnd::fin);
}

TEST(FlowLifecycle, TheHeldDataBoundIsTheCallers) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1003, "0123456789", flag::ack | flag::psh, 5001));  // 2 bytes missing
  capture.add(from_server(5001, {}, flag::ack, 1001));  // acknowledges nothing past the hole
  CaptureOptions options;
  options.max_held_bytes_per_direction = 4;
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "??0123456789");
  ASSERT_EQ(flow.gaps.size(), 1u);
  // Declared when the bound was exceeded, not at capture end.
  EXPECT_EQ(flow.data_times.size(), 1u);
  EXPECT_LT(flow.data_times[0], flow.closed_at);
}

TEST(FlowLifecycle, BothFinsDeclareHolesThatCanNoLongerFill) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1003, "cc", flag::ack | flag::psh | flag::fin, 5001));
  capture.add(from_server(5001, {}, flag::fin, 0));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "??cc");
  EXPECT_EQ(flow.close->how, FlowEnd::fin);
}

TEST(FlowLifecycle, NewSynAfterACloseStartsASecondFlowOnTheSamePorts) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "first", flag::ack | flag::psh, 5001));
  capture.add(from_client(1006, {}, flag::fin | flag::ack, 5001));
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 1007));
  capture.add(from_client(1007, {}, flag::ack, 5002));  // the last ACK must not open a flow
  capture.add(from_client(90000, {}, flag::syn));
  capture.add(from_server(70000, {}, flag::syn | flag::ack, 90001));
  capture.add(from_client(90001, "second", flag::ack | flag::psh, 70001));
  const auto run = run_capture(capture);
  ASSERT_EQ(run.sink.flows.size(), 2u);
  EXPECT_EQ(run.sink.flows[0].client_bytes, "first");
  EXPECT_EQ(run.sink.flows[0].close->how, FlowEnd::fin);
  EXPECT_EQ(run.sink.flows[1].client_bytes, "second");
  EXPECT_FALSE(run.sink.flows[1].info.started_mid_stream);
  EXPECT_NE(run.sink.flows[0].info.id, run.sink.flows[1].info.id);
  EXPECT_EQ(run.result.stats.flows, 2u);
}

TEST(FlowLifecycle, StrayPacketsOfAClosedFlowAreIgnoredOnlyWhileItsPortsLinger) {
  PcapBuilder capture;
  capture.at({0});
  add_handshake(capture);
  capture.add(from_client(1001, "first", flag::ack | flag::psh, 5001));
  capture.add(from_client(1006, {}, flag::fin | flag::ack, 5001));
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 1007));
  capture.at({30'000'000'000});
  capture.add(from_server(5001, {}, flag::fin | flag::ack, 1007));  // a retransmitted FIN: no new flow
  capture.at({90'000'000'000});
  capture.add(from_client(1007, "late", flag::ack | flag::psh, 5002));  // past the linger: a new flow
  CaptureOptions options;
  options.closed_linger_ns = 45'000'000'000;
  const auto run = run_capture(capture, options);
  ASSERT_EQ(run.sink.flows.size(), 2u);
  EXPECT_EQ(run.sink.flows[0].close->how, FlowEnd::fin);
  EXPECT_TRUE(run.sink.flows[1].info.started_mid_stream);
  EXPECT_EQ(run.sink.flows[1].client_bytes, "late");
}

TEST(FlowLifecycle, NewSynOnAFlowWhoseEndWasMissedReplacesIt) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "first", flag::ack | flag::psh, 5001));
  capture.add(from_client(1000, {}, flag::syn));  // a retransmitted SYN: same connection
  capture.add(from_client(90000, {}, flag::syn));
  capture.add(from_client(90001, "second", flag::ack | flag::psh, 70001));
  const auto run = run_capture(capture);
  ASSERT_EQ(run.sink.flows.size(), 2u);
  EXPECT_EQ(run.sink.flows[0].client_bytes, "first");
  EXPECT_EQ(run.sink.flows[0].close->how, FlowEnd::evicted);
  EXPECT_EQ(run.sink.flows[1].client_bytes, "second");
}

TEST(FlowLifecycle, IdleFlowsAreEvictedAfterTheTimeout) {
  PcapBuilder capture;
  capture.at({0});
  capture.add(from_client(1, "old", flag::ack | flag::psh, 1));
  capture.at({11 * minute_ns});
  capture.add(Tcp{"10.0.0.3", 40001, "10.0.0.2", 2181, 1, 1, flag::ack | flag::psh, "new"});
  const auto run = run_capture(capture);
  ASSERT_EQ(run.sink.flows.size(), 2u);
  EXPECT_EQ(run.sink.flows[0].close->how, FlowEnd::evicted);
  EXPECT_EQ(run.sink.flows[0].closed_at, Timestamp{11 * minute_ns});
  EXPECT_EQ(run.sink.flows[1].close->how, FlowEnd::capture_end);
  EXPECT_EQ(run.result.stats.evicted_flows, 1u);
}

TEST(FlowLifecycle, ActiveFlowsAreNotEvictedByTheIdleTimeout) {
  PcapBuilder capture;
  for (int i = 0; i < 5; ++i) {
    capture.at({i * 4 * minute_ns});
    capture.add(from_client(1 + static_cast<uint32_t>(i), "x", flag::ack | flag::psh, 1));
  }
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "xxxxx");
  EXPECT_EQ(flow.close->how, FlowEnd::capture_end);
}

TEST(FlowLifecycle, TooManyFlowsEvictTheLeastRecentlyActive) {
  PcapBuilder capture;
  for (uint16_t port = 1; port <= 3; ++port) {
    capture.add(Tcp{"10.0.0.1", port, "10.0.0.2", 2181, 1, 1, flag::ack | flag::psh, "x"});
  }
  capture.add(Tcp{"10.0.0.1", 1, "10.0.0.2", 2181, 2, 1, flag::ack | flag::psh, "y"});
  capture.add(Tcp{"10.0.0.1", 4, "10.0.0.2", 2181, 1, 1, flag::ack | flag::psh, "z"});
  CaptureOptions options;
  options.max_flows = 3;
  const auto run = run_capture(capture, options);
  ASSERT_EQ(run.sink.flows.size(), 4u);
  EXPECT_EQ(run.sink.flows[0].client_bytes, "xy");
  EXPECT_EQ(run.sink.flows[0].close->how, FlowEnd::capture_end);
  EXPECT_EQ(run.sink.flows[1].info.client.port, 2);
  EXPECT_EQ(run.sink.flows[1].close->how, FlowEnd::evicted);
  EXPECT_EQ(run.sink.flows[2].close->how, FlowEnd::capture_end);
}

TEST(FlowLifecycle, InterleavedConnectionsStaySeparate) {
  PcapBuilder capture;
  const Tcp other_client{"10.0.0.9", 50000, "10.0.0.2", 2181, 300, 0, flag::ack | flag::psh, "B1"};
  capture.add(from_client(1, "A1", flag::ack | flag::psh, 1));
  capture.add(other_client);
  capture.add(from_client(3, "A2", flag::ack | flag::psh, 1));
  Tcp next = other_client;
  next.seq = 302;
  next.payload = "B2";
  capture.add(next);
  const auto run = run_capture(capture);
  ASSERT_EQ(run.sink.flows.size(), 2u);
  EXPECT_EQ(run.sink.flows[0].client_bytes, "A1A2");
  EXPECT_EQ(run.sink.flows[1].client_bytes, "B1B2");
}

TEST(FlowLifecycle, DataCarriesTheTimeOfThePacketThatCompletedIt) {
  PcapBuilder capture;
  capture.at({100});
  capture.add(from_client(1001, {}, flag::syn));
  capture.at({200});
  capture.add(from_client(1004, "cd", flag::ack | flag::psh, 1));
  capture.at({300});
  capture.add(from_client(1002, "ab", flag::ack | flag::psh, 1));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "abcd");
  EXPECT_EQ(flow.data_times, (std::vector<Timestamp>{{300}, {300}}));
  EXPECT_EQ(flow.info.first_seen, Timestamp{100});
}

}  // namespace
}  // namespace zkwire::capture::testing
