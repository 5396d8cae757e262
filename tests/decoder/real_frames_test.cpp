// Frames copied byte for byte from captures/ (ZooKeeper 3.8.0, kazoo, the Java and C clients): a bug shared by
// the encoder and the decoder cannot hide behind the frame builder here.
#include <gtest/gtest.h>

#include "decoder/connection_decoder.h"
#include "tests/support/recording_sink.h"

namespace zkwire {
namespace {

using testing::RecordingSink;

std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

constexpr auto c2s = Direction::client_to_server;
constexpr auto s2c = Direction::server_to_client;

// kazoo_crud.pcap: the handshake, as kazoo 2.8 and the 3.8.0 server sent it.
constexpr std::string_view kKazooConnectRequest =
    "0000002d000000000000000000000000000027100000000000000000000000100000000000000000000000000000000000";
constexpr std::string_view kServerConnectResponse =
    "0000002500000000000027100100001091340000000000106e0dd29b63bd7da2fc60f540e4fb8ea300";

class RealFrames : public ::testing::Test {
 protected:
  RealFrames() : decoder(DecoderOptions{}, sink) {
    decoder.feed(c2s, hex(kKazooConnectRequest), {});
    decoder.feed(s2c, hex(kServerConnectResponse), {});
  }
  const std::string& json(size_t i) { return sink.records.at(i).json; }
  RecordingSink sink;
  ConnectionDecoder decoder;
};

TEST_F(RealFrames, KazooHandshake) {
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_NE(json(0).find(R"("protocolVersion":0,"lastZxidSeen":"0x0","timeOut":10000,"sessionId":"0x0","passwd":{"len":16,"redacted":true},"readOnly":false)"),
            std::string::npos) << json(0);
  EXPECT_NE(json(1).find(R"("timeOut":10000,"sessionId":"0x100001091340000")"), std::string::npos) << json(1);
  EXPECT_EQ(sink.records[1].session, 0x100001091340000);
}

TEST_F(RealFrames, DigestAuthIsRedacted) {
  decoder.feed(c2s, hex("00000025fffffffc0000006400000000000000066469676573740000000b757365723a736563726574"), {});
  decoder.feed(s2c, hex("00000010fffffffc000000000000000000000000"), {});
  EXPECT_NE(json(2).find(R"("op":"auth","xid":-4)"), std::string::npos);
  EXPECT_NE(json(2).find(R"("scheme":"digest","auth":{"len":11,"redacted":true})"), std::string::npos) << json(2);
  EXPECT_EQ(json(2).find("secret"), std::string::npos);
  EXPECT_NE(json(3).find(R"("kind":"reply","op":"auth","xid":-4,"zxid":"0x0","err":0)"), std::string::npos);
}

TEST_F(RealFrames, FailedMultiFromKazoo) {
  decoder.feed(c2s, hex("000000890000001d0000000e0000000100ffffffff0000000e2f637275642f74782d6e6576657200000000000000010000001f00000005776f726c6400000006616e796f6e65000000000000000d00ffffffff000000102f637275642f70657273697374656e74000000630000000200ffffffff000000082f637275642f7478ffffffffffffffff01ffffffff"), {});
  EXPECT_NE(json(2).find(R"("ops":[{"op":"create","path":"/crud/tx-never")"), std::string::npos) << json(2);
  EXPECT_NE(json(2).find(R"({"op":"check","path":"/crud/persistent","version":99},{"op":"delete","path":"/crud/tx","version":-1}])"),
            std::string::npos) << json(2);
}

TEST_F(RealFrames, SuccessfulMultiReplyWithCreate2ReturnedAsCreate) {
  decoder.feed(c2s, hex("000000ea0000001c0000000e0000000100ffffffff000000082f637275642f7478000000027478000000010000001f00000005776f726c6400000006616e796f6e65000000000000000100ffffffff0000000d2f637275642f74782d7365712d00000000000000010000001f00000005776f726c6400000006616e796f6e65000000020000000d00ffffffff000000102f637275642f70657273697374656e74000000020000000500ffffffff000000082f637275642f747800000003747832ffffffff0000000200ffffffff000000102f637275642f77696c6c2d6578697374ffffffffffffffff01ffffffff"), {});
  decoder.feed(s2c, hex("000000b10000001c000000000000001000000000000000010000000000000000082f637275642f7478000000010000000000000000172f637275642f74782d7365712d303030303030303030390000000d000000000000000005000000000000000000000000100000000000000010000001a201f73305000001a201f73305000000010000000000000000000000000000000000000003000000000000000000000010000000020000000000ffffffff01ffffffff"), {});
  EXPECT_NE(json(3).find(R"("results":[{"op":"create","path":"/crud/tx"},{"op":"create","path":"/crud/tx-seq-0000000009"},{"op":"check"},{"op":"setData","stat":{"czxid":"0x10")"),
            std::string::npos) << json(3);
  EXPECT_NE(json(3).find(R"({"op":"delete"}])"), std::string::npos);
}

TEST_F(RealFrames, NotificationCarriesZxidMinusOneOn38) {
  decoder.feed(s2c, hex("0000002cffffffffffffffffffffffff000000000000000300000003000000102f637275642f70657273697374656e74"), {});
  EXPECT_NE(json(2).find(R"("kind":"event","op":"notification","xid":-1,"zxid":"-1","err":0)"), std::string::npos) << json(2);
  EXPECT_NE(json(2).find(R"("type":3,"state":3,"path":"/crud/persistent","type_name":"NodeDataChanged")"), std::string::npos);
}

TEST_F(RealFrames, JavaClientOps) {
  decoder.feed(c2s, hex("00000008000000010000006b"), {});  // whoAmI
  decoder.feed(c2s, hex("000000550000000f000000160000000400ffffffff000000082f6a6176612f6332000000000800ffffffff0000000d2f6a6176612f6d697373696e67000000000800ffffffff000000052f6a61766100ffffffff01ffffffff"), {});
  decoder.feed(c2s, hex("0000001a0000001b0000006a0000000a2f6a6176612f7472656500000001"), {});
  decoder.feed(c2s, hex("000000700000002500000069000000010000001200000001000000082f6a6176612f6332000000010000000b2f6a6176612f6c6174657200000002000000052f6a6176610000000a2f6a6176612f7472656500000001000000082f6a6176612f7077000000010000000a2f6a6176612f74726565"), {});
  EXPECT_NE(json(2).find(R"("op":"whoAmI","xid":1)"), std::string::npos);
  EXPECT_NE(json(3).find(R"("op":"multiRead","xid":15,"session":"0x100001091340000","offset":)"), std::string::npos) << json(3);
  EXPECT_NE(json(3).find(R"("ops":[{"op":"getData","path":"/java/c2","watch":false},{"op":"getChildren","path":"/java/missing","watch":false},{"op":"getChildren","path":"/java","watch":false}])"),
            std::string::npos) << json(3);
  EXPECT_NE(json(4).find(R"("op":"addWatch","xid":27)"), std::string::npos);
  EXPECT_NE(json(4).find(R"("path":"/java/tree","mode":1)"), std::string::npos);
  EXPECT_NE(json(5).find(R"("op":"setWatches2","xid":37)"), std::string::npos);
  EXPECT_NE(json(5).find(R"("relativeZxid":"0x100000012","dataWatches":["/java/c2"],"existWatches":["/java/later"],"childWatches":["/java","/java/tree"],"persistentWatches":["/java/pw"],"persistentRecursiveWatches":["/java/tree"])"),
            std::string::npos) << json(5);
}

TEST_F(RealFrames, CClientPingAndSetWatchesWithXidMinusEight) {
  decoder.feed(c2s, hex("00000008fffffffe0000000b"), {});
  EXPECT_NE(json(2).find(R"("op":"ping","xid":-2)"), std::string::npos);
  decoder.feed(c2s, hex("00000036fffffff800000065000000000000000f00000001000000042f632f7700000001000000082f632f6c6174657200000001000000022f63"), {});
  EXPECT_NE(json(3).find(R"("op":"setWatches","xid":-8)"), std::string::npos) << json(3);
  EXPECT_NE(json(3).find(R"("relativeZxid":"0xf","dataWatches":["/c/w"],"existWatches":["/c/later"],"childWatches":["/c"])"),
            std::string::npos) << json(3);
}

}  // namespace
}  // namespace zkwire
