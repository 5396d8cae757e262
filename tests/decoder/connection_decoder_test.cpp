// Request/reply matching, handshakes, four-letter words and the reply shapes real servers send.
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
constexpr int32_t op(OpCode o) { return static_cast<int32_t>(o); }

class Connection : public ::testing::Test {
 protected:
  Connection() : decoder(DecoderOptions{}, sink) {
    decoder.feed(c2s, FrameBuilder::connect_request(b.new_session()), at(0));
    decoder.feed(s2c, FrameBuilder::connect_response(b.session_granted(0x1000000abc)), at(1));
    sink.records.clear();
  }
  static Timestamp at(int64_t ms) { return {ms * 1'000'000}; }
  void client(const Bytes& bytes, int64_t ms = 10) { decoder.feed(c2s, bytes, at(ms)); }
  void server(const Bytes& bytes, int64_t ms = 20) { decoder.feed(s2c, bytes, at(ms)); }
  const testing::SeenRecord& last() { return sink.records.back(); }

  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder decoder;
};

TEST_F(Connection, ARepliesTakesTheOpAndLatencyOfItsRequest) {
  client(FrameBuilder::request(1, OpCode::exists, PathWatchRequest{b.str("/nope"), false}), 10);
  server(FrameBuilder::reply(1, 6, -101), 13);
  EXPECT_EQ(last().kind, RecordKind::reply);
  EXPECT_EQ(last().op, op(OpCode::exists));
  EXPECT_EQ(last().err, -101);
  EXPECT_NE(last().json.find("\"err_name\":\"NONODE\""), std::string::npos);
  EXPECT_NE(last().json.find("\"latency_us\":3000"), std::string::npos);
  EXPECT_NE(last().json.find("\"session\":\"0x1000000abc\""), std::string::npos);
}

TEST_F(Connection, CClientXidsNeedNotBeConsecutive) {
  client(FrameBuilder::request(1700000123, OpCode::sync, PathRecord{b.str("/")}));
  client(FrameBuilder::request(1700000127, OpCode::getChildren, PathWatchRequest{b.str("/"), false}));
  server(FrameBuilder::reply(1700000123, 7, 0, PathRecord{b.str("/")}));
  server(FrameBuilder::reply(1700000127, 7, 0, GetChildrenResponse{b.strings({"zookeeper"})}));
  EXPECT_EQ(sink.records[2].op, op(OpCode::sync));
  EXPECT_EQ(sink.records[3].op, op(OpCode::getChildren));
  EXPECT_FALSE(sink.records[3].out_of_order);
  EXPECT_NE(sink.records[3].json.find("\"children\":[\"zookeeper\"]"), std::string::npos);
}

TEST_F(Connection, PingRepliesCarryXidMinusTwoWhateverThePingCarried) {
  client(FrameBuilder::request(1234, OpCode::ping));
  server(FrameBuilder::reply(kPingXid, 9, 0));
  EXPECT_EQ(last().op, op(OpCode::ping));
  EXPECT_FALSE(last().unmatched);
  EXPECT_EQ(decoder.pending_requests(), 0u);
}

TEST_F(Connection, AuthRepliesMayOvertakeEarlierReplies) {
  client(FrameBuilder::request(5, OpCode::getData, PathWatchRequest{b.str("/a"), false}));
  client(FrameBuilder::request(kAuthXid, OpCode::auth, AuthPacket{0, b.str("digest"), b.secret("user:secret")}));
  server(FrameBuilder::reply(kAuthXid, 0, 0));
  EXPECT_EQ(last().op, op(OpCode::auth));
  EXPECT_FALSE(last().out_of_order);
  server(FrameBuilder::reply(5, 8, 0, GetDataResponse{{{}, true}, Stat{}}));
  EXPECT_EQ(last().op, op(OpCode::getData));
  EXPECT_NE(last().json.find("\"data\":null"), std::string::npos);
}

TEST_F(Connection, AReplyThatOvertakesAnOrdinaryRequestIsFlagged) {
  client(FrameBuilder::request(5, OpCode::getData, PathWatchRequest{b.str("/a"), false}));
  client(FrameBuilder::request(6, OpCode::setData, SetDataRequest{b.str("/a"), b.buf("x"), -1}));
  server(FrameBuilder::reply(6, 8, -119));
  EXPECT_EQ(last().op, op(OpCode::setData));
  EXPECT_TRUE(last().out_of_order);
}

TEST_F(Connection, AReplyThatMatchesNothingIsReportedNeverGuessed) {
  client(FrameBuilder::request(5, OpCode::getData, PathWatchRequest{b.str("/a"), false}));
  server(FrameBuilder::reply(99, 8, 0, GetDataResponse{b.buf("?"), Stat{}}));
  EXPECT_TRUE(last().unmatched);
  EXPECT_EQ(last().op, kNoOp);
  EXPECT_EQ(decoder.pending_requests(), 1u);
}

TEST_F(Connection, NotificationsArriveBetweenAnyTwoReplies) {
  client(FrameBuilder::request(3, OpCode::setData, SetDataRequest{b.str("/w"), b.buf("v2"), -1}));
  server(FrameBuilder::event(3, 3, "/w"));
  EXPECT_EQ(last().kind, RecordKind::event);
  EXPECT_NE(last().json.find("\"type_name\":\"NodeDataChanged\""), std::string::npos);
  EXPECT_NE(last().json.find("\"path\":\"/w\""), std::string::npos);
  server(FrameBuilder::reply(3, 9, 0, StatResponse{}));
  EXPECT_EQ(last().op, op(OpCode::setData));
}

TEST_F(Connection, AFailedMultiHasErrZeroAndAnErrorResultPerOp) {
  CreateRequest create{b.str("/m1"), b.buf(""), b.acls({b.open_acl()}), 0};
  client(FrameBuilder::request(8, OpCode::multi,
                               MultiRequest{b.multi({{1, create}, {13, CheckVersionRequest{b.str("/nope"), 0}}}, false)}));
  server(FrameBuilder::reply(8, 8, 0,
                             MultiResponse{b.multi({{-1, ErrorResponse{0}, 0}, {-1, ErrorResponse{-101}, -101}}, true)}));
  EXPECT_EQ(last().err, 0);
  EXPECT_NE(last().json.find(R"("results":[{"op":"error","err":0,"err_name":"OK"},{"op":"error","err":-101,"err_name":"NONODE"}])"),
            std::string::npos)
      << last().json;
  EXPECT_NE(sink.records[0].json.find(R"("ops":[{"op":"create","path":"/m1")"), std::string::npos);
}

TEST_F(Connection, AnUnknownOpcodeIsADecodeErrorAndItsReplyStillMatches) {
  client(FrameBuilder::request(1, 55, Bytes{}));
  EXPECT_EQ(last().kind, RecordKind::decode_error);
  EXPECT_EQ(last().error, DecodeError::unknown_opcode);
  server(FrameBuilder::reply(1, -1, -6));
  EXPECT_EQ(last().op, 55);
  EXPECT_EQ(last().err, -6);
}

TEST_F(Connection, AMalformedBodyIsReportedWithItsOffsetAndTheConnectionGoesOn) {
  client(FrameBuilder::request(11, 4, Bytes{0x00, 0x01}));
  EXPECT_EQ(last().error, DecodeError::malformed_body);
  server(FrameBuilder::reply(11, 10, -5));
  EXPECT_EQ(last().op, op(OpCode::getData));
  EXPECT_NE(last().json.find("MARSHALLINGERROR"), std::string::npos);
}

TEST_F(Connection, AddWatchRepliesCarryAnErrorResponseBody) {
  client(FrameBuilder::request(6, OpCode::addWatch, AddWatchRequest{b.str("/p"), 1}));
  server(FrameBuilder::reply(6, 7, 0, ErrorResponse{0}));
  EXPECT_EQ(last().kind, RecordKind::reply);
  EXPECT_EQ(last().json.find("trailing_bytes"), std::string::npos);
}

TEST(Handshake, AnOldClientOmitsTheReadOnlyFlagAndTheServerAnswersInKind) {
  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  ConnectRequest request = b.new_session();
  request.readOnly = {};
  ConnectResponse response = b.session_granted(0x42);
  response.readOnly = {};
  Bytes req = FrameBuilder::connect_request(request), resp = FrameBuilder::connect_response(response);
  EXPECT_EQ(req.size(), 4u + 44u);
  EXPECT_EQ(resp.size(), 4u + 36u);
  d.feed(c2s, req, {});
  d.feed(s2c, resp, {});
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].kind, RecordKind::connect_request);
  EXPECT_EQ(sink.records[0].json.find("readOnly"), std::string::npos);
  EXPECT_EQ(sink.records[1].session, 0x42);
}

TEST(Handshake, AResumeNamesItsSessionAndAnExpiredOneGetsZeroes) {
  FrameBuilder b;
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  ConnectRequest resume = b.new_session();
  resume.sessionId = 0x100000077;
  resume.lastZxidSeen = 0x10;
  ConnectResponse expired;
  expired.passwd = b.secret(std::string(16, '\0'));
  expired.readOnly = {true, false};
  d.feed(c2s, FrameBuilder::connect_request(resume), {});
  d.feed(s2c, FrameBuilder::connect_response(expired), {});
  EXPECT_EQ(sink.records[0].session, 0x100000077);
  EXPECT_NE(sink.records[0].json.find("\"lastZxidSeen\":\"0x10\""), std::string::npos);
  EXPECT_NE(sink.records[1].json.find("\"timeOut\":0,\"sessionId\":\"0x0\""), std::string::npos);
}

TEST(FourLetterWords, AWordAndItsTextReplyAreTwoRecords) {
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  std::string_view word = "ruok", reply = "imok";
  d.feed(c2s, {reinterpret_cast<const uint8_t*>(word.data()), word.size()}, {});
  d.feed(s2c, {reinterpret_cast<const uint8_t*>(reply.data()), reply.size()}, {});
  d.finish({});
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].kind, RecordKind::four_letter);
  EXPECT_EQ(sink.records[0].text, "ruok");
  EXPECT_EQ(sink.records[1].kind, RecordKind::four_letter_reply);
  EXPECT_EQ(sink.records[1].text, "imok");
}

TEST(FourLetterWords, AnUnknownWordIsAnOversizedLengthAsTheServerSeesIt) {
  RecordingSink sink;
  ConnectionDecoder d({}, sink);
  std::string_view word = "abcd";
  d.feed(c2s, {reinterpret_cast<const uint8_t*>(word.data()), word.size()}, {});
  d.finish({});
  ASSERT_FALSE(sink.records.empty());
  EXPECT_EQ(sink.records[0].kind, RecordKind::decode_error);
  EXPECT_EQ(sink.records[0].error, DecodeError::frame_too_large);
}

// The proxy closes a connection on an oversized frame (--close-oversized): one frame, one decode error, even
// when its length is past the skip limit and its body sits in the resync window.
TEST_F(Connection, AnOversizedFrameDiscardedOnCloseIsReportedOnce) {
  Bytes huge = {0x7f, 0xff, 0xff, 0xff};
  huge.resize(4 + 5000, 'x');
  client(huge);
  decoder.discard(c2s);
  decoder.finish(at(30));
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].error, DecodeError::frame_too_large);
}

}  // namespace
}  // namespace zkwire
