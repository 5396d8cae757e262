// Opening capture files: pcap and pcapng, and clear errors for everything that is not one.
#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include "capture/pcap_source.h"
#include "tests/capture/capture_run.h"

namespace zkwire::capture::testing {
namespace {

PcapBuilder three_packet_conversation() {
  PcapBuilder capture;
  capture.at({1'700'000'000'123'456'789});
  capture.add(from_client(1, "one,", flag::ack | flag::psh, 1));
  capture.add(from_client(5, "two,", flag::ack | flag::psh, 1));
  capture.add(from_client(9, "three", flag::ack | flag::psh, 1));
  return capture;
}

TEST(CaptureFile, PcapngOpensLikePcap) {
  const PcapBuilder capture = three_packet_conversation();
  TempFile file(capture.pcapng());
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file(file.path(), sink);
  EXPECT_FALSE(result.error.failed()) << result.error.message;
  EXPECT_EQ(result.stats.packets, 3u);
  EXPECT_EQ(sink.only_flow().client_bytes, "one,two,three");
  EXPECT_EQ(sink.only_flow().info.first_seen, Timestamp{1'700'000'000'123'456'789});
}

TEST(CaptureFile, NanosecondTimestampsSurvive) {
  const auto run = run_capture(three_packet_conversation());
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.info.first_seen, Timestamp{1'700'000'000'123'456'789});
  ASSERT_EQ(flow.data_times.size(), 3u);
  EXPECT_EQ(flow.data_times[2], Timestamp{1'700'000'000'125'456'789});
}

TEST(CaptureFile, TruncatedFileKeepsWhatCameBeforeAndSaysWhere) {
  const PcapBuilder capture = three_packet_conversation();
  Bytes bytes = capture.pcap();
  bytes.resize(capture.pcap_offset_of(2) + 16 + 30);  // into the third packet's data
  TempFile file(bytes);
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file(file.path(), sink);
  EXPECT_EQ(result.error.kind, CaptureErrorKind::truncated);
  EXPECT_NE(result.error.message.find("capture truncated after 2 packets"), std::string::npos)
      << result.error.message;
  EXPECT_TRUE(result.stats.truncated);
  EXPECT_EQ(result.stats.packets, 2u);
  EXPECT_EQ(sink.only_flow().client_bytes, "one,two,");
  EXPECT_EQ(sink.only_flow().close->how, FlowEnd::capture_end);
}

TEST(CaptureFile, FileCutInsideARecordHeaderIsAlsoTruncated) {
  const PcapBuilder capture = three_packet_conversation();
  Bytes bytes = capture.pcap();
  bytes.resize(capture.pcap_offset_of(1) + 7);
  TempFile file(bytes);
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file(file.path(), sink);
  EXPECT_EQ(result.error.kind, CaptureErrorKind::truncated);
  EXPECT_EQ(sink.only_flow().client_bytes, "one,");
}

TEST(CaptureFile, MissingFileIsAClearError) {
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file("/nonexistent/zk.pcap", sink);
  EXPECT_EQ(result.error.kind, CaptureErrorKind::cannot_open);
  EXPECT_EQ(result.error.message, "cannot open /nonexistent/zk.pcap: No such file or directory");
  EXPECT_TRUE(sink.flows.empty());
}

TEST(CaptureFile, SomethingElseIsNotACapture) {
  TempFile file(std::string("this is a text file, not a packet capture\n"));
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file(file.path(), sink);
  EXPECT_EQ(result.error.kind, CaptureErrorKind::not_a_capture);
  EXPECT_NE(result.error.message.find("is not a pcap or pcapng capture"), std::string::npos)
      << result.error.message;
}

TEST(CaptureFile, EmptyFileIsNotACapture) {
  TempFile file(std::string{});
  RecordingSink sink;
  EXPECT_EQ(CaptureReader({}).run_file(file.path(), sink).error.kind,
            CaptureErrorKind::not_a_capture);
}

TEST(CaptureFile, UnsupportedLinkTypeIsNamed) {
  Bytes bytes = three_packet_conversation().pcap();
  bytes[20] = DLT_IEEE802_11;  // the link type field of the file header
  TempFile file(bytes);
  RecordingSink sink;
  const auto result = CaptureReader({}).run_file(file.path(), sink);
  EXPECT_EQ(result.error.kind, CaptureErrorKind::unsupported_link_type);
  EXPECT_NE(result.error.message.find("unsupported link type 'IEEE802_11' (DLT 105)"),
            std::string::npos)
      << result.error.message;
}

TEST(CaptureFile, SourceYieldsPacketsWithLinkTypeAndLengths) {
  PcapBuilder capture(Link::linux_sll2, 60);
  capture.add(from_client(1, std::string(100, 'x'), flag::ack, 1));
  TempFile file(capture.pcap());
  OpenedSource opened = PcapSource::open_file(file.path());
  ASSERT_FALSE(opened.error.failed()) << opened.error.message;
  EXPECT_EQ(opened.source->dlt(), DLT_LINUX_SLL2);
  EXPECT_EQ(opened.source->link_layer(), LinkLayer::linux_sll2);
  RawPacket packet;
  CaptureError error;
  ASSERT_EQ(opened.source->next(packet, error), NextOutcome::packet);
  EXPECT_EQ(packet.bytes.size(), 60u);
  EXPECT_EQ(packet.wire_length, 20u + 20 + 20 + 100);
  EXPECT_EQ(opened.source->next(packet, error), NextOutcome::end);
  EXPECT_FALSE(error.failed());
}

}  // namespace
}  // namespace zkwire::capture::testing
