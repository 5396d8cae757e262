// One direction's reassembly: order, duplicates, overlaps, wrap-around and declared holes.
#include "capture/tcp_reassembler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace zkwire::capture {
namespace {

// Bytes as text with one '?' per lost byte, so a whole stream reads as one string.
class Collector final : public StreamReceiver {
 public:
  void on_bytes(std::span<const uint8_t> bytes, Timestamp at) override {
    text.append(bytes.begin(), bytes.end());
    last_spans.push_back(bytes);
    times.push_back(at);
  }
  void on_lost(uint64_t missing, Timestamp) override {
    text.append(missing, '?');
    gaps.push_back(missing);
  }
  std::string text;
  std::vector<uint64_t> gaps;
  std::vector<std::span<const uint8_t>> last_spans;
  std::vector<Timestamp> times;
};

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Segment {
  uint32_t seq;
  std::string payload;
};

constexpr size_t plenty = 1 << 20;

TEST(TcpReassembler, InOrderSegmentsAreDeliveredIntactWithoutCopying) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(100);
  const std::string first = "hello ", second = "world";
  stream.add(100, bytes_of(first), 0, {1}, out);
  stream.add(106, bytes_of(second), 0, {2}, out);
  EXPECT_EQ(out.text, "hello world");
  EXPECT_TRUE(out.gaps.empty());
  ASSERT_EQ(out.last_spans.size(), 2u);
  EXPECT_EQ(out.last_spans[0].data(), reinterpret_cast<const uint8_t*>(first.data()));
  EXPECT_EQ(out.last_spans[1].data(), reinterpret_cast<const uint8_t*>(second.data()));
  EXPECT_EQ(stream.held_bytes(), 0u);
}

TEST(TcpReassembler, EveryOrderOfFourSegmentsGivesTheSameStream) {
  const std::vector<Segment> segments = {{10, "abc"}, {13, "defg"}, {17, "h"}, {18, "ijklm"}};
  std::vector<size_t> order(segments.size());
  std::iota(order.begin(), order.end(), 0);
  int permutations = 0;
  do {
    TcpReassembler stream(plenty);
    Collector out;
    stream.start_at(10);
    for (size_t i : order) stream.add(segments[i].seq, bytes_of(segments[i].payload), 0, {}, out);
    EXPECT_EQ(out.text, "abcdefghijklm") << "order #" << permutations;
    EXPECT_TRUE(out.gaps.empty());
    EXPECT_EQ(stream.held_bytes(), 0u);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 24);
}

TEST(TcpReassembler, DuplicatesAndRetransmissionsAreDeliveredOnce) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string a = "aaaa", b = "bbbb", c = "cccc";
  stream.add(4, bytes_of(b), 0, {}, out);  // held
  stream.add(4, bytes_of(b), 0, {}, out);  // held twice
  stream.add(0, bytes_of(a), 0, {}, out);
  stream.add(0, bytes_of(a), 0, {}, out);  // retransmitted after delivery
  stream.add(8, bytes_of(c), 0, {}, out);
  stream.add(4, bytes_of(b), 0, {}, out);
  EXPECT_EQ(out.text, "aaaabbbbcccc");
  EXPECT_TRUE(out.gaps.empty());
}

TEST(TcpReassembler, OverlapWithHeldDataKeepsTheFirstCopy) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string held = "HHHH", wide = "wwwwwwww", start = "ss";
  stream.add(4, bytes_of(held), 0, {}, out);  // covers 4..7
  stream.add(2, bytes_of(wide), 0, {}, out);  // covers 2..9: only 2..3 and 8..9 are new
  stream.add(0, bytes_of(start), 0, {}, out);
  EXPECT_EQ(out.text, "sswwHHHHww");
}

TEST(TcpReassembler, OverlapWithDeliveredDataOnlyAddsTheNewTail) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string first = "abcd", overlapping = "XXef";
  stream.add(0, bytes_of(first), 0, {}, out);
  stream.add(2, bytes_of(overlapping), 0, {}, out);
  EXPECT_EQ(out.text, "abcdef");
}

TEST(TcpReassembler, SequenceNumbersWrapAround) {
  const std::vector<Segment> segments = {
      {0xFFFFFFFA, "abcd"}, {0xFFFFFFFE, "efgh"}, {0x00000002, "ijkl"}};
  for (const auto& order : std::vector<std::vector<int>>{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}) {
    TcpReassembler stream(plenty);
    Collector out;
    stream.start_at(0xFFFFFFFA);
    for (int i : order) stream.add(segments[i].seq, bytes_of(segments[i].payload), 0, {}, out);
    EXPECT_EQ(out.text, "abcdefghijkl");
    EXPECT_TRUE(out.gaps.empty());
  }
}

TEST(TcpReassembler, HeldDataBeyondTheBoundDeclaresTheHoleLost) {
  TcpReassembler stream(8);
  Collector out;
  stream.start_at(0);
  const std::string a = "aa", late1 = "ccccc", late2 = "ddddd";
  stream.add(0, bytes_of(a), 0, {}, out);
  stream.add(5, bytes_of(late1), 0, {}, out);   // 3 missing, 5 held
  EXPECT_TRUE(out.gaps.empty());
  stream.add(10, bytes_of(late2), 0, {}, out);  // 10 held > 8
  EXPECT_EQ(out.gaps, std::vector<uint64_t>{3});
  EXPECT_EQ(out.text, "aa???cccccddddd");
  EXPECT_EQ(stream.held_bytes(), 0u);
}

TEST(TcpReassembler, PeerAckingPastAHoleDeclaresItLost) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string a = "aaaa", c = "cccc";
  stream.add(0, bytes_of(a), 0, {}, out);
  stream.add(8, bytes_of(c), 0, {}, out);
  stream.peer_acked(4, {}, out);  // acknowledges only what was delivered: nothing happens
  EXPECT_TRUE(out.gaps.empty());
  stream.peer_acked(12, {7}, out);
  EXPECT_EQ(out.gaps, std::vector<uint64_t>{4});
  EXPECT_EQ(out.text, "aaaa????cccc");
  EXPECT_EQ(out.times.back(), Timestamp{7});
}

TEST(TcpReassembler, AckWithNothingHeldWaitsForTheData) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  stream.peer_acked(100, {}, out);  // the data may simply be captured after its ACK
  const std::string a = "abc";
  stream.add(0, bytes_of(a), 0, {}, out);
  EXPECT_EQ(out.text, "abc");
  EXPECT_TRUE(out.gaps.empty());
}

TEST(TcpReassembler, FlushDeclaresEveryHoleUpToTheFin) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string b = "bb", d = "dd";
  stream.add(2, bytes_of(b), 0, {}, out);
  stream.add(6, bytes_of(d), 0, {}, out);
  stream.note_fin(10);
  stream.flush({}, out);
  EXPECT_EQ(out.text, "??bb??dd??");
  EXPECT_EQ(out.gaps, (std::vector<uint64_t>{2, 2, 2}));
}

TEST(TcpReassembler, SnapLengthCutIsReportedAsLostBytes) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string cut = "abc", next = "xyz";
  stream.add(0, bytes_of(cut), 5, {}, out);  // 8 bytes on the wire, 3 captured
  stream.add(8, bytes_of(next), 0, {}, out);
  EXPECT_EQ(out.text, "abc?????xyz");
  EXPECT_EQ(out.gaps, std::vector<uint64_t>{5});
}

TEST(TcpReassembler, CutSegmentHeldOutOfOrderKeepsItsLostTail) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string first = "ab", cut = "cd";
  stream.add(2, bytes_of(cut), 2, {}, out);
  stream.add(0, bytes_of(first), 0, {}, out);
  EXPECT_EQ(out.text, "abcd??");
}

TEST(TcpReassembler, BytesBeyondTheFinAreIgnored) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string a = "abcd", bogus = "efgh";
  stream.add(0, bytes_of(a), 0, {}, out);
  stream.note_fin(6);
  stream.add(4, bytes_of(bogus), 0, {}, out);
  EXPECT_EQ(out.text, "abcdef");
}

TEST(TcpReassembler, BytesFromBeforeTheStreamStartAreDropped) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(1000);
  const std::string straddling = "oldNEW";
  stream.add(997, bytes_of(straddling), 0, {}, out);
  EXPECT_EQ(out.text, "NEW");
}

TEST(TcpReassembler, DataWaitingBehindAHoleIsDeliveredWithTheTimeOfTheFillingPacket) {
  TcpReassembler stream(plenty);
  Collector out;
  stream.start_at(0);
  const std::string a = "aa", b = "bb";
  stream.add(2, bytes_of(b), 0, {1}, out);
  stream.add(0, bytes_of(a), 0, {2}, out);
  EXPECT_EQ(out.times, (std::vector<Timestamp>{{2}, {2}}));
}

}  // namespace
}  // namespace zkwire::capture
