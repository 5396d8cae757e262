// Without a known server port or a SYN, the server side is told by what each side sends.
#include <gtest/gtest.h>

#include "tests/reassembly/real_captures.h"
#include "tests/reassembly/record_comparison.h"
#include "tests/reassembly/segment_edits.h"
#include "tests/reassembly/segment_search.h"

namespace zkwire::reassembly_testing {
namespace {

// Higher than the client's ephemeral port, so that the last-resort guess (the lower port serves) would be wrong.
constexpr uint16_t kUnlistedPort = 60181;

TEST(OrientationWithoutHints, PayloadShapeFindsTheServerOnAnUnlistedPortWithoutSyns) {
  const Segments& all = segments_of("kazoo_crud.pcap");
  ASSERT_LT(all[0].sport, kUnlistedPort);
  // The same capture without SYNs but on 2181 is the reference: missing the SYNs alone already makes the
  // capture start mid-connection, and that part must not differ.
  const Analysis by_port = analyse(without_syns(all));
  const Analysis by_shape = analyse(without_syns(with_port(all, kServerPort, kUnlistedPort)));

  ASSERT_EQ(by_shape.count("connection_open"), 1u);
  const JsonLine open = by_shape.of_kind("connection_open")[0];
  EXPECT_NE(open.str("detail").find("payload_shape"), std::string::npos) << open.text();
  EXPECT_EQ(open.str("server"), "127.0.0.1:" + std::to_string(kUnlistedPort));
  EXPECT_EQ(open.str("client"), "127.0.0.1:" + std::to_string(all[0].sport));
  EXPECT_GT(by_shape.count("request"), 30u);
  EXPECT_TRUE(same_records(what_was_decoded(by_port.records, {"client", "server", "detail"}),
                           what_was_decoded(by_shape.records, {"client", "server", "detail"})));
}

TEST(OrientationWithoutHints, PayloadShapeFindsTheServerWhenTheCaptureStartsWithARequest) {
  const Segments& all = segments_of("kazoo_crud.pcap");
  const Segments late = from(all, request_segment(all, 5));
  const Analysis by_port = analyse(late);
  const Analysis by_shape = analyse(with_port(late, kServerPort, kUnlistedPort));

  const JsonLine open = by_shape.of_kind("connection_open")[0];
  EXPECT_NE(open.str("detail").find("payload_shape"), std::string::npos) << open.text();
  EXPECT_EQ(open.str("server"), "127.0.0.1:" + std::to_string(kUnlistedPort));
  EXPECT_TRUE(same_records(what_was_decoded(by_port.records, {"client", "server", "detail"}),
                           what_was_decoded(by_shape.records, {"client", "server", "detail"})));
}

}  // namespace
}  // namespace zkwire::reassembly_testing
