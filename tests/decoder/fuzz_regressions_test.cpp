// Minimal reproducers of what fuzz/connection_decoder_fuzz found, so each bug stays fixed.
#include <gtest/gtest.h>

#include <string>

#include "decoder/connection_decoder.h"
#include "tests/support/frame_builder.h"
#include "tests/support/recording_sink.h"

namespace zkwire {
namespace {

using testing::Bytes;
using testing::RecordingSink;

constexpr auto c2s = Direction::client_to_server;
constexpr auto s2c = Direction::server_to_client;

Bytes text_bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A getData header claiming a 900 KB frame: a plausible boundary, undecided while the rest may still come.
Bytes long_claim() { return {0x00, 0x0d, 0xbb, 0xa0, 0, 0, 0, 1, 0, 0, 0, 4}; }

// Feeds `bytes` to one side in reads of `piece` bytes (0: one read) and finishes the connection.
std::string transcript(Direction dir, const Bytes& bytes, size_t piece, bool mid_stream = false) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink, mid_stream);
  std::span<const uint8_t> rest = bytes;
  while (!rest.empty()) {
    size_t n = piece == 0 ? rest.size() : std::min(piece, rest.size());
    decoder.feed(dir, rest.first(n), Timestamp{});
    rest = rest.subspan(n);
  }
  decoder.finish(Timestamp{});
  return sink.transcript();
}

// A four-letter reply (or any peer-chosen string) with bytes that are not UTF-8 made invalid JSON.
TEST(FuzzRegressions, JsonStringsStayValidUtf8WhateverThePeerSent) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink);
  decoder.feed(c2s, text_bytes("cons"), Timestamp{});
  decoder.feed(s2c, text_bytes("recved\xcc\xce,caf\xc3\xa9\n"), Timestamp{});
  decoder.finish(Timestamp{});
  ASSERT_EQ(sink.records.size(), 2u);
  const std::string& json = sink.records[1].json;
  EXPECT_NE(json.find("recved\\ufffd\\ufffd,caf\xc3\xa9\\n"), std::string::npos) << json;
}

// A bad length prefix that completed exactly at the end of a read was not judged until the next byte, so
// at the end of the stream it came out as a truncated frame of absurd length instead of frame_too_large.
TEST(FuzzRegressions, ABadLengthEndingAReadIsReportedAtOnce) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink);
  Bytes prefix{0x6c, 0x00, 0x6c, 0x00};
  decoder.feed(s2c, std::span<const uint8_t>(prefix).first(2), Timestamp{});
  decoder.feed(s2c, std::span<const uint8_t>(prefix).subspan(2), Timestamp{});
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].kind, RecordKind::decode_error);
  EXPECT_EQ(sink.records[0].error, DecodeError::frame_too_large);
  EXPECT_EQ(transcript(s2c, prefix, 1), transcript(s2c, prefix, 0));
}

// When a client's first four bytes were an unusable length, the rest of that same read went to the framer
// although the side had switched to resync mode; a later read went to resync. The split must not matter.
TEST(FuzzRegressions, BytesAfterABadFirstLengthInTheSameReadGoToResync) {
  Bytes bytes = text_bytes("\n0 p\n");
  std::string whole = transcript(c2s, bytes, 0);
  EXPECT_EQ(whole, transcript(c2s, bytes, 4));
  EXPECT_NE(whole.find("\"error\":\"unexpected_bytes\""), std::string::npos) << whole;
}

// Resync dropped the bytes it had ruled out only when a scan reached the end of what it held, and counted
// skipped bytes from the last drop: read in small pieces, skipped_bytes came out too small.
TEST(FuzzRegressions, SkippedBytesBeforeAResyncDoNotDependOnReadSizes) {
  testing::FrameBuilder b;
  Bytes stream = testing::concat({Bytes(10, 0),
                                  testing::FrameBuilder::request(1, OpCode::exists, PathWatchRequest{b.str("/a"), false}),
                                  testing::FrameBuilder::request(2, OpCode::exists, PathWatchRequest{b.str("/b"), false})});
  std::string whole = transcript(c2s, stream, 0, true);
  EXPECT_NE(whole.find("\"skipped_bytes\":10"), std::string::npos) << whole;
  EXPECT_EQ(transcript(c2s, stream, 1, true), whole);
  EXPECT_EQ(transcript(c2s, stream, 3, true), whole);
}

// ...and while it waited on a candidate frame it rescanned every ruled-out byte before it on each read:
// quadratic in small reads (this took minutes under ASan; it must take milliseconds).
TEST(FuzzRegressions, WaitingOnALongCandidateFrameIsLinearInTheReads) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink, true);
  Bytes garbage(200'000, 0);
  decoder.feed(c2s, garbage, Timestamp{});
  decoder.feed(c2s, long_claim(), Timestamp{});
  uint8_t byte = 0;
  for (int i = 0; i < 50'000; ++i) decoder.feed(c2s, {&byte, 1}, Timestamp{});
  EXPECT_TRUE(sink.records.empty());
}

// When the peer sends, a resyncing side settles (what it holds is all there is for now). Settling found a boundary,
// decoded frames up to lost framing again, and stopped there: a peer read split in two settled that second search
// too, one whole read did not, and the records depended on how the peer's bytes were split.
TEST(FuzzRegressions, OnePeerReadSettlesAsMuchAsManySmallOnes) {
  testing::FrameBuilder b;
  auto request = [&](int32_t xid, const char* path) {
    return testing::FrameBuilder::request(xid, OpCode::exists, PathWatchRequest{b.str(path), false});
  };
  Bytes lost_framing{0xff, 0xff, 0xff, 0xff};  // a negative length
  Bytes held = testing::concat({long_claim(), request(1, "/a"), request(2, "/b"), lost_framing,  //
                                long_claim(), request(3, "/c"), request(4, "/d")});
  Bytes peer{0, 0, 0, 0};
  auto run = [&](size_t peer_piece) {
    RecordingSink sink;
    ConnectionDecoder decoder(DecoderOptions{}, sink, true);
    decoder.feed(c2s, held, Timestamp{});
    for (size_t i = 0; i < peer.size(); i += peer_piece) {
      decoder.feed(s2c, std::span<const uint8_t>(peer).subspan(i, peer_piece), Timestamp{});
    }
    decoder.finish(Timestamp{});
    return sink.transcript();
  };
  std::string whole = run(peer.size());
  EXPECT_NE(whole.find("\"xid\":4"), std::string::npos) << "the second search was settled too:\n" << whole;
  EXPECT_EQ(run(1), whole);
}

// The peer's every read asks the resyncing side to settle; the same held bytes give the same answer, so they are
// scanned once, not once per read (a 52 KB input took seconds under the fuzzer's instrumentation).
TEST(FuzzRegressions, APeerChattingWhileThisSideHoldsACandidateFrameCostsOneScan) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink, true);
  decoder.feed(c2s, Bytes(20'000, 0), Timestamp{});
  decoder.feed(c2s, long_claim(), Timestamp{});
  decoder.feed(c2s, Bytes(30'000, 0), Timestamp{});
  uint8_t byte = 0;
  for (int i = 0; i < 30'000; ++i) decoder.feed(s2c, {&byte, 1}, Timestamp{});
  for (const auto& r : sink.records) EXPECT_NE(r.dir, c2s) << "nothing on the held side is decided yet";
}

// ...and when this side's held bytes grow between the peer's reads, each settle judged every held position again:
// quadratic in the reads when the two sides take turns (8,000 turns took over a second; a settle now judges only the
// new positions and the few that were undecided).
TEST(FuzzRegressions, SidesTakingTurnsWhileOneHoldsACandidateFrameIsLinear) {
  RecordingSink sink;
  ConnectionDecoder decoder(DecoderOptions{}, sink, true);
  decoder.feed(c2s, long_claim(), Timestamp{});
  uint8_t byte = 0;
  for (int i = 0; i < 50'000; ++i) {
    decoder.feed(c2s, {&byte, 1}, Timestamp{});
    decoder.feed(s2c, {&byte, 1}, Timestamp{});
  }
  for (const auto& r : sink.records) EXPECT_NE(r.dir, c2s) << "nothing on the held side is decided yet";
}

}  // namespace
}  // namespace zkwire
