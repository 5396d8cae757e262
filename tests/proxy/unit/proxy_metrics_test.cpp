// The proxy's counters: what each kind of record adds, the same whether an op's entry is cached yet or not.
#include <gtest/gtest.h>

#include <utility>

#include "decoder/opcodes.h"
#include "proxy/proxy_metrics.h"

namespace zkwire {
namespace {

constexpr int32_t kGetData = static_cast<int32_t>(OpCode::getData);
constexpr int32_t kNoNode = -101;

Record request(int32_t op, uint32_t length = 20) {
  Record r;
  r.kind = RecordKind::request;
  r.dir = Direction::client_to_server;
  r.op = op;
  r.length = length;
  return r;
}

Record reply(int32_t op, int32_t err, int64_t latency_us, uint32_t length = 100) {
  Record r;
  r.kind = RecordKind::reply;
  r.dir = Direction::server_to_client;
  r.op = op;
  r.err = err;
  r.latency_us = latency_us;
  r.length = length;
  return r;
}

void feed(ProxyMetrics& m, const Record& r) { m.consume(1, r, FlowLabels{}); }

TEST(ProxyMetrics, RequestsAreCountedPerOpFromTheFirstOnward) {
  ProxyMetrics m;
  for (int i = 0; i < 3; ++i) feed(m, request(kGetData));  // the first looks the entry up, the others use it
  feed(m, request(12345));  // an op ZooKeeper does not define: counted all the same, without a cache slot
  feed(m, request(12345));
  EXPECT_EQ(m.requests_by_op.at(kGetData), 3u);
  EXPECT_EQ(m.requests_by_op.at(12345), 2u);
  EXPECT_EQ(m.frames[0], 5u);
  EXPECT_EQ(m.bytes[0], 5u * 24);  // frames with their length prefix
}

TEST(ProxyMetrics, RepliesAreTimedAndErrorsCountedWithTheirLatency) {
  ProxyMetrics m;
  feed(m, reply(kGetData, 0, 100));
  feed(m, reply(kGetData, 0, 300));
  feed(m, reply(kGetData, kNoNode, 200));  // an error reply is timed too
  feed(m, reply(kNoOp, 0, -1));            // a reply matched to nothing: a frame, no latency
  const LatencyHistogram& h = m.latency_by_op.at(kGetData);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.max(), 300);
  EXPECT_EQ(m.errors_by_op.size(), 1u);
  EXPECT_EQ(m.errors_by_op.at(std::make_pair(kGetData, kNoNode)), 1u);
  EXPECT_EQ(m.latency_by_op.count(kNoOp), 0u);
  EXPECT_EQ(m.frames[1], 4u);
  EXPECT_EQ(m.bytes[1], 4u * 104);
}

TEST(ProxyMetrics, ConnectionsAnomaliesAndDecodeErrorsHaveTheirOwnCounters) {
  ProxyMetrics m;
  Record open;
  open.kind = RecordKind::connection_open;
  feed(m, open);
  Record close;
  close.kind = RecordKind::connection_close;
  feed(m, close);
  Record anomaly;
  anomaly.kind = RecordKind::anomaly;
  anomaly.anomaly = anomaly_info(Anomaly::ping_gap).id;
  feed(m, anomaly);
  Record error;
  error.kind = RecordKind::decode_error;
  error.length = 8;
  feed(m, error);
  EXPECT_EQ(m.connections_opened, 1u);
  EXPECT_EQ(m.connections_closed, 1u);
  EXPECT_EQ(m.anomalies[static_cast<size_t>(Anomaly::ping_gap)], 1u);
  EXPECT_EQ(m.decode_errors, 1u);
  EXPECT_EQ(m.frames[0], 1u);  // the bad frame still crossed the wire; opens, closes and anomalies did not
}

}  // namespace
}  // namespace zkwire
