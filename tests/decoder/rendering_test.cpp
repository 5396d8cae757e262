// What a person sees: secrets redacted unless asked for, data shortened, zxids in hex, one line per record.
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

std::vector<std::string> decode_client(const std::vector<Bytes>& frames, RenderOptions options = {}) {
  RecordingSink sink(options);
  ConnectionDecoder d({}, sink);
  FrameBuilder b;
  d.feed(c2s, FrameBuilder::connect_request(b.new_session()), {});
  for (const Bytes& f : frames) d.feed(c2s, f, {});
  std::vector<std::string> out;
  for (const auto& r : sink.records) out.push_back(r.json);
  return out;
}

TEST(Rendering, DigestAuthPasswordsAndSaslTokensAreRedactedByDefault) {
  FrameBuilder b;
  auto lines = decode_client({
      FrameBuilder::request(kAuthXid, OpCode::auth, AuthPacket{0, b.str("digest"), b.secret("user:hunter2")}),
      FrameBuilder::request(3, OpCode::sasl, SaslToken{b.secret("kerberos-ticket")}),
  });
  std::string all = lines[0] + lines[1] + lines[2];
  EXPECT_EQ(all.find("hunter2"), std::string::npos);
  EXPECT_EQ(all.find("kerberos"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("passwd":{"len":16,"redacted":true})"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("auth":{"len":12,"redacted":true})"), std::string::npos) << lines[1];
}

TEST(Rendering, DigestAclIdsKeepTheUserAndHideTheHash) {
  FrameBuilder b;
  auto lines = decode_client({FrameBuilder::request(
      2, OpCode::setACL, SetACLRequest{b.str("/s"), b.acls({b.acl(31, "digest", "user:ZmFrZWhhc2g=")}), -1})});
  EXPECT_NE(lines[1].find(R"({"perms":31,"scheme":"digest","id":"user:<redacted>"})"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[1].find("ZmFrZWhhc2g"), std::string::npos);
}

TEST(Rendering, SecretsShowWhenAskedFor) {
  FrameBuilder b;
  RenderOptions options;
  options.show_secrets = true;
  auto lines = decode_client(
      {FrameBuilder::request(kAuthXid, OpCode::auth, AuthPacket{0, b.str("digest"), b.secret("user:hunter2")})},
      options);
  EXPECT_NE(lines[1].find("user:hunter2"), std::string::npos);
}

TEST(Rendering, DataShowsItsLengthAndAShortPrefix) {
  FrameBuilder b;
  auto lines = decode_client({
      FrameBuilder::request(1, OpCode::setData, SetDataRequest{b.str("/t"), b.buf(std::string(100, 'a')), -1}),
      FrameBuilder::request(2, OpCode::setData, SetDataRequest{b.str("/b"), b.buf(std::string("\x00\x01\xff", 3)), -1}),
  });
  EXPECT_NE(lines[1].find(R"("data":{"len":100,"text":")" + std::string(32, 'a') + R"(","truncated":true})"),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[2].find(R"("data":{"len":3,"hex":"0001ff"})"), std::string::npos) << lines[2];
}

TEST(Rendering, TextLinesReadLikeASummary) {
  FrameBuilder b;
  Record r;
  r.kind = RecordKind::reply;
  r.dir = Direction::server_to_client;
  r.has_header = true;
  r.xid = 7;
  r.op = static_cast<int32_t>(OpCode::exists);
  r.zxid = 0x100000005;
  r.err = -101;
  r.latency_us = 250;
  std::string line;
  render_text(r, {"127.0.0.1:40000", "127.0.0.1:2181"}, 1.5, {}, line);
  EXPECT_EQ(line, "1.500000 127.0.0.1:2181 → 127.0.0.1:40000 reply exists xid=7 zxid=0x100000005 err=NONODE latency_us=250\n");
}

TEST(Rendering, JsonStringsAreEscaped) {
  FrameBuilder b;
  auto lines = decode_client({FrameBuilder::request(1, OpCode::sync, PathRecord{b.str("/q\"uote\\n\n")})});
  EXPECT_NE(lines[1].find(R"("path":"/q\"uote\\n\n")"), std::string::npos) << lines[1];
}

}  // namespace
}  // namespace zkwire
