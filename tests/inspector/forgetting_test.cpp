// Sessions long detached are forgotten (memory follows the live ones) and the summary still lists every one.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "inspector/traffic_summary.h"
#include "tests/inspector/session_script.h"

namespace zkwire {
namespace {

using testing::FrameBuilder;
using testing::SessionScript;

constexpr auto s2c = Direction::server_to_client;
constexpr uint16_t kServer = 2181;

// A session that connects, says goodbye with closeSession and is closed by the server.
void short_session(SessionScript& s, uint64_t conn, int64_t session, int64_t ms) {
  s.connect(conn, kServer, session, ms, 4000);
  s.client(conn, FrameBuilder::request(1, OpCode::closeSession), ms + 10);
  s.server(conn, FrameBuilder::reply(1, 0x40, 0), ms + 11);
  s.close(conn, s2c, ms + 12);
}

class Archive : public SessionArchive {
 public:
  void archive(const SessionState& session) override { ids.push_back(session.id); }
  std::vector<int64_t> ids;
};

TEST(Forgetting, ADetachedSessionIsForgottenAfterTwiceItsTimeoutButAtLeastTenSeconds) {
  SessionScript s;
  Archive archive;
  s.inspector.set_archive(&archive);
  short_session(s, 1, 0x1001, 0);
  s.tick(9'000);
  EXPECT_EQ(s.inspector.sessions().count(0x1001), 1u) << "2 x 4 s is less than the 10 s floor";
  s.tick(10'100);
  EXPECT_EQ(s.inspector.sessions().count(0x1001), 0u);
  EXPECT_EQ(s.inspector.forgotten_sessions(), 1u);
  EXPECT_EQ(archive.ids, std::vector<int64_t>{0x1001});
}

TEST(Forgetting, AnOpenConnectionKeepsItsSessionHoweverOld) {
  SessionScript s;
  s.connect(1, kServer, 0x1002, 0, 4000);
  for (int64_t ms = 1'000; ms < 60'000; ms += 1'000) {
    s.client(1, FrameBuilder::request(kPingXid, OpCode::ping), ms);
    s.server(1, FrameBuilder::reply(kPingXid, 0x10, 0), ms + 1);
  }
  s.tick(60'000);
  EXPECT_EQ(s.inspector.sessions().count(0x1002), 1u);
  EXPECT_EQ(s.inspector.forgotten_sessions(), 0u);
}

TEST(Forgetting, AReconnectWithinTheWindowKeepsOneStoryForTheSession) {
  SessionScript s;
  s.connect(1, kServer, 0x1003, 0, 4000);
  s.close(1, s2c, 100);
  s.tick(5'000);
  s.connect(2, kServer, 0x1003, 6'000, 4000, /*resume=*/true);
  s.close(2, s2c, 6'100);
  s.tick(12'000);  // 10 s after the first close, but the second restarted the clock
  ASSERT_EQ(s.inspector.sessions().count(0x1003), 1u);
  EXPECT_EQ(s.inspector.sessions().at(0x1003).connections_total, 2u);
  s.tick(16'200);
  EXPECT_EQ(s.inspector.sessions().count(0x1003), 0u);
}

// A ConnectResponse granting a session with a zero timeout is not taken for an attach, yet the connection's frames
// carry that session, so the inspector follows it there. Another connection's failed resume then detaches the session;
// it must still not be forgotten (erased) while the first connection points at it.
TEST(Forgetting, AConnectionKeepsTheSessionItsFramesCarryEvenWithoutAProperAttach) {
  SessionScript s;
  s.connect(1, kServer, 0x5001, 0, /*timeout_ms=*/0);
  s.client(1, FrameBuilder::request(kPingXid, OpCode::ping), 500);
  s.server(1, FrameBuilder::reply(kPingXid, 0x10, 0), 501);

  s.open(2, 40002, kServer, 1'000);
  ConnectRequest resume = s.b.new_session(4000);
  resume.sessionId = 0x5001;
  resume.passwd = s.b.secret("0123456789abcdef");
  s.client(2, FrameBuilder::connect_request(resume), 1'000);
  s.server(2, FrameBuilder::connect_response(s.b.session_granted(0, 0)), 1'001);
  s.close(2, s2c, 1'002);
  s.tick(30'000);
  EXPECT_EQ(s.inspector.sessions().count(0x5001), 1u) << "connection 1 still carries it";

  s.client(1, FrameBuilder::request(kPingXid, OpCode::ping), 30'001);
  s.server(1, FrameBuilder::reply(kPingXid, 0x10, 0), 30'002);
  s.close(1, s2c, 30'003);
  s.tick(60'000);
  EXPECT_EQ(s.inspector.sessions().count(0x5001), 0u) << "forgotten once no connection carries it";
}

std::string summary_of(SessionScript& s, TrafficSummary& summary) {
  std::FILE* f = std::tmpfile();
  summary.write(s.inspector, SourceTotals{}, f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

// The same conversation, with and without forgetting, gives the same summary document.
TEST(Forgetting, TheSummaryListsForgottenSessionsInFirstSeenOrderAsIfNoneWereForgotten) {
  auto run = [](double forget_after_timeouts) {
    InspectorConfig config;
    config.forget_after_timeouts = forget_after_timeouts;
    TrafficSummary summary;
    SessionScript s(config, summary);
    s.inspector.set_archive(&summary);
    short_session(s, 1, 0x2001, 0);
    s.connect(2, kServer, 0x2002, 5'000, 4000);  // stays open
    short_session(s, 3, 0x2003, 7'000);
    short_session(s, 4, 0x2004, 30'000);
    s.tick(60'000);
    return std::make_pair(summary_of(s, summary), s.inspector.forgotten_sessions());
  };
  const auto [forgetful, forgotten] = run(2.0);
  const auto [keeping, kept_forgotten] = run(1000.0);
  EXPECT_EQ(forgotten, 3u);
  EXPECT_EQ(kept_forgotten, 0u);
  EXPECT_EQ(forgetful, keeping);
  EXPECT_NE(forgetful.find("\"sessions\":4"), std::string::npos) << forgetful;
  const size_t first = forgetful.find("0x2001"), second = forgetful.find("0x2002"),
               third = forgetful.find("0x2003"), fourth = forgetful.find("0x2004");
  EXPECT_TRUE(first < second && second < third && third < fourth) << forgetful;
}

}  // namespace
}  // namespace zkwire
