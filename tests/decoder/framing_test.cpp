// Framing: every split point, one byte at a time, garbage after the frames, impossible lengths, lost bytes.
#include <gtest/gtest.h>

#include "decoder/connection_decoder.h"
#include "tests/support/frame_builder.h"
#include "tests/support/recording_sink.h"

namespace zkwire {
namespace {

using testing::Bytes;
using testing::FrameBuilder;
using testing::RecordingSink;

constexpr auto c2s = Direction::client_to_server;
constexpr auto s2c = Direction::server_to_client;

// A realistic conversation: handshake, a create, a getData with a watch, the watch firing, a ping.
struct Conversation {
  FrameBuilder b;
  Bytes client, server;
  Conversation() {
    client = testing::concat({
        FrameBuilder::connect_request(b.new_session()),
        FrameBuilder::request(1, OpCode::create,
                              CreateRequest{b.str("/app"), b.buf("hello"), b.acls({b.open_acl()}), 0}),
        FrameBuilder::request(2, OpCode::getData, PathWatchRequest{b.str("/app"), true}),
        FrameBuilder::request(3, OpCode::setData, SetDataRequest{b.str("/app"), b.buf("world"), 0}),
        FrameBuilder::request(kPingXid, OpCode::ping),
    });
    Stat stat;
    stat.version = 1;
    server = testing::concat({
        FrameBuilder::connect_response(b.session_granted(0x100000abcd)),
        FrameBuilder::reply(1, 5, 0, PathRecord{b.str("/app")}),
        FrameBuilder::reply(2, 5, 0, GetDataResponse{b.buf("hello"), stat}),
        FrameBuilder::event(3, 3, "/app"),
        FrameBuilder::reply(3, 6, 0, StatResponse{stat}),
        FrameBuilder::reply(kPingXid, 6, 0),
    });
  }
};

// Feeds each direction in pieces cut at `cuts`, interleaving client then server so replies follow requests.
std::string decode_in_pieces(const Bytes& client, const Bytes& server, size_t cut_client, size_t cut_server) {
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  std::span<const uint8_t> c(client), s(server);
  d.feed(c2s, c.first(cut_client), {});
  d.feed(c2s, c.subspan(cut_client), {});
  d.feed(s2c, s.first(cut_server), {});
  d.feed(s2c, s.subspan(cut_server), {});
  d.finish({});
  return sink.transcript();
}

TEST(Framing, EverySplitPointGivesTheSameRecords) {
  Conversation conv;
  std::string whole = decode_in_pieces(conv.client, conv.server, conv.client.size(), conv.server.size());
  ASSERT_NE(whole.find("\"op\":\"setData\""), std::string::npos);
  for (size_t cut = 0; cut <= conv.client.size(); ++cut)
    ASSERT_EQ(decode_in_pieces(conv.client, conv.server, cut, conv.server.size()), whole) << "client cut " << cut;
  for (size_t cut = 0; cut <= conv.server.size(); ++cut)
    ASSERT_EQ(decode_in_pieces(conv.client, conv.server, conv.client.size(), cut), whole) << "server cut " << cut;
}

TEST(Framing, OneByteAtATimeGivesTheSameRecords) {
  Conversation conv;
  std::string whole = decode_in_pieces(conv.client, conv.server, conv.client.size(), conv.server.size());
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  for (uint8_t byte : conv.client) d.feed(c2s, {&byte, 1}, {});
  for (uint8_t byte : conv.server) d.feed(s2c, {&byte, 1}, {});
  d.finish({});
  EXPECT_EQ(sink.transcript(), whole);
}

TEST(Framing, TrailingGarbageIsReportedAndNothingBeforeItIsLost) {
  Conversation conv;
  std::string clean = decode_in_pieces(conv.client, conv.server, conv.client.size(), conv.server.size());
  Bytes garbage = {0x00, 0x00, 0x00, 0x30, 0xde, 0xad};  // a length promising 48 bytes, then the end
  Bytes client = testing::concat({conv.client, garbage});
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  d.feed(c2s, client, {});
  d.feed(s2c, conv.server, {});
  d.finish({});
  ASSERT_FALSE(sink.records.empty());
  const auto& last = sink.records.back();
  EXPECT_EQ(last.kind, RecordKind::decode_error);
  EXPECT_EQ(last.error, DecodeError::truncated_frame);
  EXPECT_EQ(last.offset, conv.client.size());
  std::string all = sink.transcript();
  std::string before_error = all.substr(0, all.rfind('\n', all.size() - 2) + 1);
  EXPECT_EQ(before_error, clean);
}

TEST(Framing, ALengthAboveTheMaximumIsFlaggedAndSteppedOver) {
  FrameBuilder b;
  DecoderOptions options;
  options.max_frame = 64;
  RecordingSink sink;
  ConnectionDecoder d(options, sink);
  Bytes big = FrameBuilder::request(1, OpCode::setData, SetDataRequest{b.str("/big"), b.buf(std::string(100, 'x')), -1});
  Bytes after = FrameBuilder::request(2, OpCode::sync, PathRecord{b.str("/")});
  d.feed(c2s, testing::concat({FrameBuilder::connect_request(b.new_session()), big, after}), {});
  ASSERT_EQ(sink.records.size(), 3u);
  EXPECT_EQ(sink.records[1].kind, RecordKind::decode_error);
  EXPECT_EQ(sink.records[1].error, DecodeError::frame_too_large);
  EXPECT_EQ(sink.records[2].op, static_cast<int32_t>(OpCode::sync));
}

TEST(Framing, ANegativeLengthLosesTheFramingUntilTheNextPlausibleFrame) {
  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  Bytes junk = {0xff, 0xff, 0xff, 0xf0, 1, 2, 3};
  Bytes next = testing::concat({FrameBuilder::request(7, OpCode::exists, PathWatchRequest{b.str("/a"), false}),
                                FrameBuilder::request(8, OpCode::exists, PathWatchRequest{b.str("/b"), false})});
  d.feed(c2s, testing::concat({FrameBuilder::connect_request(b.new_session()), junk, next}), {});
  ASSERT_GE(sink.records.size(), 4u);
  EXPECT_EQ(sink.records[1].error, DecodeError::negative_length);
  EXPECT_EQ(sink.records[2].kind, RecordKind::stream_resync);
  EXPECT_EQ(sink.records[2].byte_count, junk.size() - 4);  // the bad prefix itself was reported already
  EXPECT_EQ(sink.records[2].offset, sink.records[1].offset + junk.size());
  EXPECT_EQ(sink.records[3].xid, 7);
}

TEST(Framing, AGapInsideAFrameDropsThatFrameOnly) {
  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  Bytes big = FrameBuilder::request(1, OpCode::setData, SetDataRequest{b.str("/v"), b.buf(std::string(5000, 'v')), -1});
  Bytes next = FrameBuilder::request(2, OpCode::getData, PathWatchRequest{b.str("/v"), false});
  d.feed(c2s, FrameBuilder::connect_request(b.new_session()), {});
  d.feed(c2s, std::span<const uint8_t>(big).first(1000), {});
  d.gap(c2s, 1500, {});
  d.feed(c2s, std::span<const uint8_t>(big).subspan(2500), {});
  d.feed(c2s, next, {});
  ASSERT_EQ(sink.records.size(), 4u);
  EXPECT_EQ(sink.records[1].kind, RecordKind::capture_gap);
  EXPECT_EQ(sink.records[2].error, DecodeError::truncated_frame);
  EXPECT_EQ(sink.records[2].xid, 1);  // the header was seen, so the reply will still match
  EXPECT_EQ(sink.records[3].xid, 2);
  EXPECT_EQ(d.pending_requests(), 2u);
}

TEST(Framing, AGapAcrossFramesResynchronisesAtTheNextBoundary) {
  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  Bytes frames;
  for (int xid = 1; xid <= 6; ++xid)
    frames = testing::concat({frames, FrameBuilder::request(xid, OpCode::getData,
                                                            PathWatchRequest{b.str("/node/" + std::to_string(xid)), false})});
  d.feed(c2s, FrameBuilder::connect_request(b.new_session()), {});
  size_t lost_from = 10, lost_to = 40;  // from inside frame 1 to inside frame 2
  d.feed(c2s, std::span<const uint8_t>(frames).first(lost_from), {});
  d.gap(c2s, lost_to - lost_from, {});
  d.feed(c2s, std::span<const uint8_t>(frames).subspan(lost_to), {});
  std::vector<int32_t> xids;
  bool resynced = false;
  for (const auto& r : sink.records) {
    if (r.kind == RecordKind::stream_resync) resynced = true;
    if (r.kind == RecordKind::request) xids.push_back(r.xid);
  }
  EXPECT_TRUE(resynced);
  EXPECT_EQ(xids, (std::vector<int32_t>{3, 4, 5, 6}));
}

TEST(Framing, ACaptureThatStartsMidConnectionFindsTheFirstBoundary) {
  FrameBuilder b;
  Bytes frames = testing::concat({FrameBuilder::request(41, OpCode::getChildren, PathWatchRequest{b.str("/x"), true}),
                                  FrameBuilder::request(42, OpCode::sync, PathRecord{b.str("/x")}),
                                  FrameBuilder::request(43, OpCode::exists, PathWatchRequest{b.str("/y"), false})});
  RecordingSink sink;
  ConnectionDecoder d({}, sink, /*started_mid_stream=*/true);
  d.feed(c2s, std::span<const uint8_t>(frames).subspan(5), {});  // starts inside the first frame
  d.finish({});
  ASSERT_GE(sink.records.size(), 3u);
  EXPECT_EQ(sink.records[0].kind, RecordKind::stream_resync);
  EXPECT_EQ(sink.records[1].xid, 42);
  EXPECT_EQ(sink.records[2].xid, 43);
}

}  // namespace
}  // namespace zkwire
