// Every supported link layer, IPv4 and IPv6, carries the same conversation to the sink.
#include <gtest/gtest.h>

#include "tests/capture/capture_run.h"

namespace zkwire::capture::testing {
namespace {

struct LinkCase {
  const char* name;
  Link link;
  bool ipv6;
};

class EveryLinkLayer : public ::testing::TestWithParam<LinkCase> {};

TEST_P(EveryLinkLayer, DeliversAHandshakeConversation) {
  const LinkCase& param = GetParam();
  const std::string client = param.ipv6 ? "fd00::1" : "192.168.1.10";
  const std::string server = param.ipv6 ? "fd00::2" : "192.168.1.20";
  PcapBuilder capture(param.link);
  capture.add(Tcp{client, 40000, server, 2181, 1000, 0, flag::syn, {}});
  capture.add(Tcp{server, 2181, client, 40000, 5000, 1001, flag::syn | flag::ack, {}});
  capture.add(Tcp{client, 40000, server, 2181, 1001, 5001, flag::ack | flag::psh, "request"});
  capture.add(Tcp{server, 2181, client, 40000, 5001, 1008, flag::ack | flag::psh, "response"});
  const auto run = run_capture(capture);

  EXPECT_FALSE(run.result.error.failed()) << run.result.error.message;
  EXPECT_EQ(run.result.stats.malformed, 0u);
  EXPECT_EQ(run.result.stats.tcp_segments, 4u);
  const auto& flow = run.sink.only_flow();
  EXPECT_EQ(flow.client_bytes, "request");
  EXPECT_EQ(flow.server_bytes, "response");
  EXPECT_EQ(flow.info.client.is_v6, param.ipv6);
  EXPECT_EQ(flow.info.server.to_string(), param.ipv6 ? "[fd00::2]:2181" : "192.168.1.20:2181");
}

INSTANTIATE_TEST_SUITE_P(
    Capture, EveryLinkLayer,
    ::testing::Values(LinkCase{"ethernet_v4", Link::ethernet, false},
                      LinkCase{"ethernet_v6", Link::ethernet, true},
                      LinkCase{"vlan_v4", Link::ethernet_vlan, false},
                      LinkCase{"vlan_v6", Link::ethernet_vlan, true},
                      LinkCase{"qinq_v4", Link::ethernet_qinq, false},
                      LinkCase{"null_v4", Link::null_host_order, false},
                      LinkCase{"null_v6", Link::null_host_order, true},
                      LinkCase{"loop_v4", Link::loop_network_order, false},
                      LinkCase{"loop_v6", Link::loop_network_order, true},
                      LinkCase{"sll_v4", Link::linux_sll, false},
                      LinkCase{"sll_v6", Link::linux_sll, true},
                      LinkCase{"sll2_v4", Link::linux_sll2, false},
                      LinkCase{"sll2_v6", Link::linux_sll2, true},
                      LinkCase{"raw_v4", Link::raw, false},
                      LinkCase{"raw_v6", Link::raw, true},
                      LinkCase{"ipv4", Link::raw_ipv4, false},
                      LinkCase{"ipv6", Link::raw_ipv6, true}),
    [](const ::testing::TestParamInfo<LinkCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace zkwire::capture::testing
