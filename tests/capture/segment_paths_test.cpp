// Every kind of segment, on interleaved connections, through the short path (carry) and the long one alike.
#include <gtest/gtest.h>

#include "tests/capture/capture_run.h"

namespace zkwire::capture::testing {
namespace {

constexpr uint8_t data = flag::ack | flag::psh;

Tcp segment(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint32_t seq, std::string payload,
            uint32_t ack, uint8_t flags = data) {
  return Tcp{src, sport, dst, dport, seq, ack, flags, std::move(payload)};
}

// A: handshake, in-order data (short path), a segment ahead of a hole, the hole filled, a retransmission, a hole
//    declared lost by the server's answer acknowledging past it, both FINs, then a stray ACK.
// B: IPv6, begun before the capture, in-order data both ways.
// C: A's two addresses with A's ports the other way round (both hash alike), client 10.0.0.2:40000.
// D: no known port and no handshake: its bytes wait for the classifier, which decides once the second side speaks;
//    after that it takes the short path too.
PcapBuilder interleaved_capture() {
  PcapBuilder capture;
  const auto a_client = [](uint32_t seq, std::string p, uint32_t ack, uint8_t f = data) {
    return segment("10.0.0.1", 40000, "10.0.0.2", 2181, seq, std::move(p), ack, f);
  };
  const auto a_server = [](uint32_t seq, std::string p, uint32_t ack, uint8_t f = data) {
    return segment("10.0.0.2", 2181, "10.0.0.1", 40000, seq, std::move(p), ack, f);
  };
  capture.add(a_client(1000, {}, 0, flag::syn));
  capture.add(segment("fd00::1", 40000, "fd00::2", 2181, 7001, "B1", 9001));
  capture.add(a_server(5000, {}, 1001, flag::syn | flag::ack));
  capture.add(segment("10.0.0.2", 40000, "10.0.0.1", 2181, 300, "C1", 700));
  capture.add(a_client(1001, {}, 5001, flag::ack));
  capture.add(segment("10.0.0.5", 5000, "10.0.0.6", 6000, 1, "D1", 1));
  capture.add(a_client(1001, "aaaa", 5001));
  capture.add(segment("fd00::2", 2181, "fd00::1", 40000, 9001, "R1", 7003));
  capture.add(a_client(1009, "cccc", 5001));
  capture.add(segment("10.0.0.2", 40000, "10.0.0.1", 2181, 302, "C2", 700));
  capture.add(segment("10.0.0.5", 5000, "10.0.0.6", 6000, 3, "D2", 1));
  capture.add(a_client(1005, "bbbb", 5001));
  capture.add(segment("fd00::1", 40000, "fd00::2", 2181, 7003, "B2", 9003));
  capture.add(a_client(1005, "bbbb", 5001));  // a retransmission
  capture.add(segment("10.0.0.1", 2181, "10.0.0.2", 40000, 700, "S1", 304));
  capture.add(segment("10.0.0.6", 6000, "10.0.0.5", 5000, 1, "E1", 5));
  capture.add(a_server(5001, "ok", 1013));
  capture.add(segment("10.0.0.5", 5000, "10.0.0.6", 6000, 5, "D3", 3));
  capture.add(a_client(1017, "eeee", 5003));  // "dddd" at 1013 was never captured
  capture.add(a_server(5003, "ok2", 1021));    // the answer: the server had it
  capture.add(a_client(1021, {}, 5006, flag::fin | flag::ack));
  capture.add(a_server(5006, {}, 1022, flag::fin | flag::ack));
  capture.add(a_client(1022, {}, 5007, flag::ack));  // after the close: a stray
  return capture;
}

TEST(SegmentPaths, InterleavedConnectionsGetEveryByteOnceInOrderWhicheverPathTheirSegmentsTake) {
  CaptureOptions options;
  options.classifier = [](std::span<const uint8_t>, std::span<const uint8_t> from_b) {
    return from_b.empty() ? Orientation::undecided : Orientation::a_is_client;
  };
  const auto run = run_capture(interleaved_capture(), options);
  ASSERT_FALSE(run.result.error.failed());
  ASSERT_EQ(run.sink.flows.size(), 4u);

  const auto& a = run.sink.flows[0];
  EXPECT_EQ(a.info.client.to_string(), "10.0.0.1:40000");
  EXPECT_EQ(a.client_bytes, "aaaabbbbcccc????eeee");
  EXPECT_EQ(a.server_bytes, "okok2");
  ASSERT_EQ(a.gaps.size(), 1u);
  EXPECT_EQ(a.gaps[0], std::make_pair(Direction::client_to_server, uint64_t{4}));
  ASSERT_TRUE(a.close.has_value());
  EXPECT_EQ(a.close->how, FlowEnd::fin);
  EXPECT_EQ(a.close->first_closer, Direction::client_to_server);

  const auto& b = run.sink.flows[1];
  EXPECT_EQ(b.info.client.to_string(), "[fd00::1]:40000");
  EXPECT_TRUE(b.info.started_mid_stream);
  EXPECT_EQ(b.client_bytes, "B1B2");
  EXPECT_EQ(b.server_bytes, "R1");
  EXPECT_EQ(b.close->how, FlowEnd::capture_end);

  const auto& c = run.sink.flows[2];
  EXPECT_EQ(c.info.client.to_string(), "10.0.0.2:40000");
  EXPECT_EQ(c.info.server.to_string(), "10.0.0.1:2181");
  EXPECT_EQ(c.client_bytes, "C1C2");
  EXPECT_EQ(c.server_bytes, "S1");

  const auto& d = run.sink.flows[3];
  EXPECT_EQ(d.info.basis, ServerSideBasis::payload_shape);
  EXPECT_EQ(d.info.client.to_string(), "10.0.0.5:5000");
  EXPECT_EQ(d.client_bytes, "D1D2D3");
  EXPECT_EQ(d.server_bytes, "E1");
  EXPECT_EQ(d.close->how, FlowEnd::capture_end);

  EXPECT_EQ(run.result.stats.tcp_segments, 23u);
  EXPECT_EQ(run.result.stats.flows, 4u);
  EXPECT_EQ(run.result.stats.gaps, 1u);
  EXPECT_EQ(run.result.stats.lost_bytes, 4u);
}

// Acknowledgements alone, with nothing held or not reaching past the hole, declare nothing; the segment that fills
// a hole goes out with what was held behind it, and in-order data after that takes the short path again.
TEST(SegmentPaths, AcknowledgementsThatCannotShowALossDeclareNothingAndAFilledHoleReleasesTheHeldBytes) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1001, "1111", data, 5001));
  capture.add(from_server(5001, {}, flag::ack, 1013));  // past all that was seen, but nothing is held
  capture.add(from_client(1005, "2222", data, 5001));
  capture.add(from_client(1013, "4444", data, 5001));  // ahead of a hole
  capture.add(from_server(5001, {}, flag::ack, 1009));  // up to the hole, not past it
  capture.add(from_server(5001, "r", data, 1009));      // an answer, still not past it
  capture.add(from_client(1009, "3333", data, 5002));  // fills it
  capture.add(from_client(1017, "5555", data, 5002));  // in order again
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "11112222333344445555");
  EXPECT_EQ(flow.server_bytes, "r");
  EXPECT_TRUE(flow.gaps.empty());
}

// A bare acknowledgement past a hole with data waiting behind it: the hole is lost, the waiting data goes out.
TEST(SegmentPaths, AnAcknowledgementPastAHoleWithDataWaitingDeclaresIt) {
  PcapBuilder capture;
  add_handshake(capture);
  capture.add(from_client(1005, "2222", data, 5001));
  capture.add(from_server(5001, {}, flag::ack, 1009));
  capture.add(from_client(1009, "3333", data, 5001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "????22223333");
  ASSERT_EQ(flow.gaps.size(), 1u);
  EXPECT_EQ(flow.gaps[0].second, 4u);
}

}  // namespace
}  // namespace zkwire::capture::testing
