// Each anomaly the inspector flags, pinned on hand-built conversations, and silence where all is well.
#include <gtest/gtest.h>

#include "tests/inspector/session_script.h"

namespace zkwire {
namespace {

using testing::Bytes;
using testing::FrameBuilder;
using testing::SessionScript;

constexpr auto c2s = Direction::client_to_server;
constexpr auto s2c = Direction::server_to_client;
constexpr int64_t kSession = 0x100000abc0000;
constexpr uint16_t kServer1 = 2181, kServer2 = 2182;

Bytes get_data(FrameBuilder& b, int32_t xid, std::string_view path) {
  return FrameBuilder::request(xid, OpCode::getData, PathWatchRequest{b.str(path), false});
}
Bytes set_data(FrameBuilder& b, int32_t xid, std::string_view path) {
  return FrameBuilder::request(xid, OpCode::setData, SetDataRequest{b.str(path), b.buf("v"), -1});
}
Bytes data_reply(FrameBuilder& b, int32_t xid, int64_t zxid) {
  return FrameBuilder::reply(xid, zxid, 0, GetDataResponse{b.buf("v"), Stat{}});
}
Bytes ping() { return FrameBuilder::request(kPingXid, OpCode::ping); }
Bytes ping_reply(int64_t zxid) { return FrameBuilder::reply(kPingXid, zxid, 0); }

TEST(SessionInspector, AHealthySessionRaisesNothing) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  for (int i = 0; i < 10; ++i) {
    s.client(1, get_data(s.b, i + 1, "/a"), 100 + i * 1000);
    s.server(1, data_reply(s.b, i + 1, 0x10 + i), 102 + i * 1000);
    s.client(1, ping(), 600 + i * 1000);
    s.server(1, ping_reply(0x10 + i), 601 + i * 1000);
  }
  s.client(1, FrameBuilder::request(11, OpCode::closeSession), 10'500);
  s.server(1, FrameBuilder::reply(11, 0x30, 0), 10'510);
  s.close(1, s2c, 10'520);
  s.tick(60'000);
  EXPECT_TRUE(s.anomaly_ids().empty()) << ::testing::PrintToString(s.anomaly_ids());
}

TEST(SessionInspector, ASessionAttachedOnAnotherServerWhileItsOldConnectionLivesIsMoved) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.connect(2, kServer2, kSession, 500, 4000, /*resume=*/true, 0x5);
  ASSERT_EQ(s.count("session_moved"), 1u);
  EXPECT_EQ(s.find("session_moved")->session, kSession);
  EXPECT_EQ(s.find("session_moved")->severity, "error");
  // The stale connection writes; its server closes it without a reply.
  s.client(1, set_data(s.b, 7, "/a"), 700);
  s.close(1, s2c, 710);
  EXPECT_EQ(s.count("session_moved"), 2u);
  EXPECT_EQ(s.count("unanswered_requests"), 1u);
}

TEST(SessionInspector, AResumeOnTheSameServerIsAnOrdinaryReconnect) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.connect(2, kServer1, kSession, 500, 4000, true, 0x5);
  s.close(1, s2c, 501);
  EXPECT_EQ(s.count("session_moved"), 0u);
}

TEST(SessionInspector, AZeroedConnectResponseToAResumeIsAnExpiredSession) {
  SessionScript s;
  s.open(1, 40001, kServer1, 0);
  ConnectRequest resume = s.b.new_session(4000);
  resume.sessionId = kSession;
  resume.passwd = s.b.secret("0123456789abcdef");
  s.client(1, FrameBuilder::connect_request(resume), 0);
  ConnectResponse zeroed;
  zeroed.passwd = s.b.secret(std::string(16, '\0'));
  zeroed.readOnly = {true, false};
  s.server(1, FrameBuilder::connect_response(zeroed), 2);
  s.close(1, s2c, 3);
  ASSERT_EQ(s.count("session_expired"), 1u);
  EXPECT_EQ(s.find("session_expired")->session, kSession);
}

TEST(SessionInspector, SessionExpiredRepliesAreFlagged) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, get_data(s.b, 1, "/a"), 10);
  s.server(1, FrameBuilder::reply(1, 0x9, -112), 12);
  EXPECT_EQ(s.count("session_expired"), 1u);
}

TEST(SessionInspector, ASilentClientGetsAPingGapThenAnExpiryRiskThenItsSocketClosedAsExpired) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0, /*timeout_ms=*/4000);
  s.client(1, get_data(s.b, 1, "/a"), 100);
  s.server(1, data_reply(s.b, 1, 0x10), 101);
  s.tick(2'000);
  EXPECT_EQ(s.count("ping_gap"), 0u);
  s.tick(2'900);  // 2.8 s of silence > 2/3 of 4 s
  EXPECT_EQ(s.count("ping_gap"), 1u);
  EXPECT_EQ(s.count("expiry_risk"), 0u);
  s.tick(4'200);  // past the timeout
  EXPECT_EQ(s.count("expiry_risk"), 1u);
  s.tick(5'000);
  EXPECT_EQ(s.count("ping_gap"), 1u);  // once per silence
  s.close(1, s2c, 6'000);  // the server closes without a word
  EXPECT_EQ(s.count("session_expired"), 1u);
}

TEST(SessionInspector, PingsKeepTheSessionQuiet) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0, 4000);
  for (int t = 1'300; t < 20'000; t += 1'300) {
    s.client(1, ping(), t);
    s.server(1, ping_reply(0x10), t + 1);
    s.tick(t + 600);
  }
  EXPECT_EQ(s.count("ping_gap"), 0u);
  EXPECT_EQ(s.count("expiry_risk"), 0u);
}

TEST(SessionInspector, SlowPingsAreFlagged) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, ping(), 1'000);
  s.server(1, ping_reply(0x10), 1'900);
  EXPECT_EQ(s.count("ping_rtt_high"), 1u);
}

TEST(SessionInspector, AResumeAheadOfTheServerIsAStaleReconnect) {
  SessionScript s;
  s.connect(1, kServer2, 0x200000001, 0);  // another session teaches us how far server 2 has got
  s.client(1, get_data(s.b, 1, "/a"), 10);
  s.server(1, data_reply(s.b, 1, 0x10), 11);
  s.open(2, 40002, kServer2, 100);
  ConnectRequest resume = s.b.new_session(4000);
  resume.sessionId = kSession;
  resume.lastZxidSeen = 0x20;
  resume.passwd = s.b.secret("0123456789abcdef");
  s.client(2, FrameBuilder::connect_request(resume), 100);
  s.close(2, s2c, 101);
  EXPECT_EQ(s.count("stale_reconnect"), 1u);
  EXPECT_EQ(s.count("handshake_unanswered"), 0u);
}

TEST(SessionInspector, AHandshakeClosedWithoutAnAnswerForAnotherReasonSaysSo) {
  SessionScript s;
  s.open(1, 40001, kServer1, 0);
  s.client(1, FrameBuilder::connect_request(s.b.new_session()), 0);
  s.close(1, s2c, 1);
  EXPECT_EQ(s.count("handshake_unanswered"), 1u);
}

TEST(SessionInspector, AReplyBehindWhatTheSessionSawIsAZxidRegression) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, get_data(s.b, 1, "/a"), 10);
  s.server(1, data_reply(s.b, 1, 0x20), 11);
  s.close(1, c2s, 20);
  s.connect(2, kServer2, kSession, 30, 4000, true, 0x20);
  s.client(2, get_data(s.b, 2, "/a"), 40);
  s.server(2, data_reply(s.b, 2, 0x18), 41);
  EXPECT_EQ(s.count("zxid_regression"), 1u);
}

TEST(SessionInspector, RequestsAndRepliesOutOfXidOrderAreFlaggedOncePerConnection) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, get_data(s.b, 5, "/a"), 10);
  s.client(1, get_data(s.b, 3, "/b"), 11);
  s.client(1, get_data(s.b, 2, "/c"), 12);
  EXPECT_EQ(s.count("xid_out_of_order"), 1u);
  SessionScript replies;
  replies.connect(1, kServer1, kSession, 0);
  replies.client(1, get_data(replies.b, 1, "/a"), 10);
  replies.client(1, get_data(replies.b, 2, "/b"), 11);
  replies.server(1, data_reply(replies.b, 2, 0x10), 12);
  EXPECT_EQ(replies.count("xid_out_of_order"), 1u);
}

TEST(SessionInspector, AReplyToNothingIsFlaggedUnlessTheCaptureJoinedLate) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.server(1, data_reply(s.b, 9, 0x10), 10);
  EXPECT_EQ(s.count("reply_without_request"), 1u);
}

TEST(SessionInspector, AResumeWithAnotherPasswordIsAHijackAttempt) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.open(2, 40002, kServer1, 100);
  ConnectRequest resume = s.b.new_session(4000);
  resume.sessionId = kSession;
  resume.passwd = s.b.secret("fedcba9876543210");
  s.client(2, FrameBuilder::connect_request(resume), 100);
  ASSERT_EQ(s.count("session_hijack_attempt"), 1u);
  EXPECT_EQ(s.find("session_hijack_attempt")->client, "10.0.0.1:40002");
  EXPECT_EQ(s.find("session_hijack_attempt")->detail.find("fedcba"), std::string::npos);  // never the password
  ConnectResponse zeroed;
  zeroed.passwd = s.b.secret(std::string(16, '\0'));
  s.server(2, FrameBuilder::connect_response(zeroed), 101);
  EXPECT_EQ(s.count("session_expired"), 0u);  // the zeroed answer is the hijack's, not an expiry
}

TEST(SessionInspector, ErrorCodesThatHurtAreFlagged) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, FrameBuilder::request(kAuthXid, OpCode::auth, AuthPacket{0, s.b.str("bogus"), s.b.secret("x")}), 10);
  s.server(1, FrameBuilder::reply(kAuthXid, 0, -115), 11);
  s.client(1, set_data(s.b, 1, "/a"), 20);
  s.server(1, FrameBuilder::reply(1, 0x10, -119), 21);
  s.client(1, get_data(s.b, 2, "/a"), 30);
  s.server(1, FrameBuilder::reply(2, 0x10, -127), 31);
  EXPECT_EQ(s.count("auth_failed"), 1u);
  EXPECT_EQ(s.count("not_readonly"), 1u);
  EXPECT_EQ(s.count("throttled"), 1u);
}

TEST(SessionInspector, AReadOnlyConnectionIsFlagged) {
  SessionScript s;
  s.open(1, 40001, kServer1, 0);
  s.client(1, FrameBuilder::connect_request(s.b.new_session()), 0);
  ConnectResponse ro = s.b.session_granted(kSession);
  ro.readOnly = {true, true};
  s.server(1, FrameBuilder::connect_response(ro), 1);
  EXPECT_EQ(s.count("readonly_session"), 1u);
}

TEST(SessionInspector, ManyReconnectsInAWindowAreAStorm) {
  SessionScript s;
  for (uint64_t i = 1; i <= 6; ++i) {
    s.connect(i, kServer1, kSession, static_cast<int64_t>(i) * 1000, 4000, i > 1, 0x5);
    s.close(i, c2s, static_cast<int64_t>(i) * 1000 + 500);
  }
  EXPECT_EQ(s.count("reconnect_storm"), 1u);
  SessionScript calm;
  for (uint64_t i = 1; i <= 6; ++i) {
    calm.connect(i, kServer1, kSession, static_cast<int64_t>(i) * 70'000, 4000, i > 1, 0x5);
    calm.client(i, ping(), static_cast<int64_t>(i) * 70'000 + 10);
    calm.close(i, c2s, static_cast<int64_t>(i) * 70'000 + 500);
  }
  EXPECT_EQ(calm.count("reconnect_storm"), 0u);
}

TEST(SessionInspector, AHerdOfNotificationsIsAWatchStorm) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  for (int i = 0; i < 150; ++i) s.server(1, FrameBuilder::event(2, 3, "/herd/" + std::to_string(i)), 100 + i);
  EXPECT_EQ(s.count("watch_storm"), 1u);
}

TEST(SessionInspector, FramesNearOrAboveTheMaximumAreFlagged) {
  InspectorConfig config;
  config.max_frame = 1000;
  SessionScript s(config);
  s.connect(1, kServer1, kSession, 0);
  s.client(1, FrameBuilder::request(1, OpCode::setData, SetDataRequest{s.b.str("/a"), s.b.buf(std::string(950, 'x')), -1}), 10);
  EXPECT_EQ(s.count("large_frame"), 1u);
  s.client(1, FrameBuilder::request(2, OpCode::setData, SetDataRequest{s.b.str("/a"), s.b.buf(std::string(1'100'000, 'x')), -1}), 20);
  EXPECT_EQ(s.count("oversized_frame"), 1u);
}

TEST(SessionInspector, LostFramingIsADesync) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, Bytes{0xff, 0xff, 0xff, 0xf0}, 10);
  EXPECT_EQ(s.count("desync"), 1u);
}

TEST(SessionInspector, ATopLevelCheckIsUnsafe) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, FrameBuilder::request(1, OpCode::check, CheckVersionRequest{s.b.str("/a"), 0}), 10);
  EXPECT_EQ(s.count("unsafe_check"), 1u);
}

TEST(SessionInspector, EveryAnomalyRecordNamesItsSessionAndEndpoints) {
  SessionScript s;
  s.connect(1, kServer1, kSession, 0);
  s.client(1, FrameBuilder::request(1, OpCode::check, CheckVersionRequest{s.b.str("/a"), 0}), 10);
  const auto* a = s.find("unsafe_check");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->session, kSession);
  EXPECT_EQ(a->client, "10.0.0.1:40001");
  EXPECT_EQ(a->server, "10.0.0.2:2181");
  EXPECT_FALSE(a->detail.empty());
}

}  // namespace
}  // namespace zkwire
