// Which end is the server: by port, by handshake, by payload shape, and the final guess.
#include <gtest/gtest.h>

#include <string_view>

#include "tests/capture/capture_run.h"

namespace zkwire::capture::testing {
namespace {

// Two peers on ports no rule knows, so only the later rules can tell them apart.
Tcp from_low(uint32_t seq, std::string payload, uint8_t flags = flag::ack | flag::psh) {
  return Tcp{"10.0.0.1", 5000, "10.0.0.2", 6000, seq, 1, flags, std::move(payload)};
}
Tcp from_high(uint32_t seq, std::string payload, uint8_t flags = flag::ack | flag::psh) {
  return Tcp{"10.0.0.2", 6000, "10.0.0.1", 5000, seq, 1, flags, std::move(payload)};
}

bool starts_with(std::span<const uint8_t> bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() &&
         std::string_view(reinterpret_cast<const char*>(bytes.data()), prefix.size()) == prefix;
}

// Says "the side that spoke REQ first is the client" once either side has said enough.
Orientation requests_come_from_the_client(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (starts_with(a, "REQ")) return Orientation::a_is_client;
  if (starts_with(b, "REQ")) return Orientation::b_is_client;
  return Orientation::undecided;
}

TEST(Orientation, AKnownServerPortDecidesEvenWhenTheServerSpeaksFirst) {
  PcapBuilder capture;
  capture.add(from_server(5001, "reply", flag::ack | flag::psh, 1001));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::port);
  EXPECT_EQ(flow.info.server.to_string(), "10.0.0.2:2181");
  EXPECT_EQ(flow.server_bytes, "reply");
}

TEST(Orientation, TheServerPortListIsTheCallers) {
  PcapBuilder capture;
  capture.add(from_low(1, "x"));
  CaptureOptions options;
  options.server_ports = {6000, 7000};
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::port);
  EXPECT_EQ(flow.info.server.port, 6000);
  EXPECT_EQ(flow.client_bytes, "x");
}

TEST(Orientation, WithoutAKnownPortTheSynSenderIsTheClient) {
  PcapBuilder capture;
  capture.add(from_high(100, {}, flag::syn));
  capture.add(from_low(200, {}, flag::syn | flag::ack));
  capture.add(from_high(101, "hi", flag::ack | flag::psh));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::syn);
  EXPECT_EQ(flow.info.client.port, 6000);
  EXPECT_EQ(flow.info.server.port, 5000);
  EXPECT_EQ(flow.client_bytes, "hi");
}

TEST(Orientation, ASynAckWithoutItsSynNamesTheServer) {
  PcapBuilder capture;
  capture.add(from_high(200, {}, flag::syn | flag::ack));
  capture.add(from_low(101, "hi", flag::ack | flag::psh));
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::syn);
  EXPECT_EQ(flow.info.server.port, 6000);
  EXPECT_EQ(flow.client_bytes, "hi");
}

TEST(Orientation, BothEndsOnServerPortsFallsThroughToTheHandshake) {
  PcapBuilder capture;
  capture.add(from_high(100, {}, flag::syn));
  CaptureOptions options;
  options.server_ports = {5000, 6000};
  const auto run = run_capture(capture, options);
  EXPECT_EQ(run.sink.only_flow().info.basis, ServerSideBasis::syn);
  EXPECT_EQ(run.sink.only_flow().info.client.port, 6000);
}

TEST(Orientation, TheClassifierDecidesFromTheFirstBytesAndNothingIsLost) {
  PcapBuilder capture;
  capture.add(from_low(1, "RES"));  // the server speaks first in the capture
  capture.add(from_high(1, "RE"));
  capture.add(from_high(3, "Q1"));
  capture.add(from_low(4, "more"));
  CaptureOptions options;
  int calls = 0;
  options.classifier = [&](std::span<const uint8_t> a, std::span<const uint8_t> b) {
    ++calls;
    return requests_come_from_the_client(a, b);
  };
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::payload_shape);
  EXPECT_EQ(flow.info.client.port, 6000);
  EXPECT_EQ(flow.client_bytes, "REQ1");
  EXPECT_EQ(flow.server_bytes, "RESmore");
  EXPECT_EQ(calls, 3);  // asked after each delivery until it decided, never again
}

TEST(Orientation, AnUndecidedClassifierFallsBackToTheLowerPortAtTheEnd) {
  PcapBuilder capture;
  capture.add(from_high(1, "abc"));
  capture.add(from_low(1, "def"));
  CaptureOptions options;
  options.classifier = [](auto, auto) { return Orientation::undecided; };
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::guess);
  EXPECT_EQ(flow.info.server.port, 5000);
  EXPECT_EQ(flow.client_bytes, "abc");
  EXPECT_EQ(flow.server_bytes, "def");
  EXPECT_EQ(flow.close->how, FlowEnd::capture_end);
}

TEST(Orientation, AFullClassifierBufferGivesUpWithoutWaitingForTheEnd) {
  PcapBuilder capture;
  capture.add(from_low(1, "0123456789"));
  capture.add(from_low(11, "abcdef"));
  capture.add(from_low(17, {}, flag::rst));
  CaptureOptions options;
  options.orientation_buffer_bytes = 8;
  int calls = 0;
  options.classifier = [&](auto, auto) {
    ++calls;
    return Orientation::undecided;
  };
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(flow.info.basis, ServerSideBasis::guess);
  EXPECT_EQ(flow.server_bytes, "0123456789abcdef");
  EXPECT_EQ(flow.close->how, FlowEnd::rst);
  EXPECT_EQ(flow.close->first_closer, Direction::server_to_client);
}

TEST(Orientation, GapsWhileUndecidedAreReplayedInPlace) {
  PcapBuilder capture;
  capture.add(from_high(1, "ab"));
  capture.add(from_high(5, "ef"));  // 2 bytes missing before this
  Tcp acking = from_low(1, "RE");
  acking.ack = 7;  // acknowledges past the hole: it is lost
  capture.add(acking);
  capture.add(from_low(3, "Q"));
  CaptureOptions options;
  std::vector<std::string> seen_from_high;
  options.classifier = [&](std::span<const uint8_t> a, std::span<const uint8_t> b) {
    seen_from_high.emplace_back(a.begin(), a.end());
    return requests_come_from_the_client(a, b);
  };
  const auto run = run_capture(capture, options);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::payload_shape);
  EXPECT_EQ(flow.info.client.port, 5000);
  EXPECT_EQ(flow.client_bytes, "REQ");
  EXPECT_EQ(flow.server_bytes, "ab??ef");
  for (const auto& first_bytes : seen_from_high) EXPECT_EQ(first_bytes, "ab");  // not past the gap
}

TEST(Orientation, WithoutAClassifierTheGuessIsImmediate) {
  PcapBuilder capture;
  capture.add(Tcp{"10.0.0.1", 7000, "10.0.0.2", 7000, 1, 1, flag::ack | flag::psh, "same"});
  const auto run = run_capture(capture);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.basis, ServerSideBasis::guess);
  EXPECT_EQ(flow.info.client.to_string(), "10.0.0.1:7000");  // a tie: the receiver serves
  EXPECT_EQ(flow.client_bytes, "same");
}

}  // namespace
}  // namespace zkwire::capture::testing
