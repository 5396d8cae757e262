// Configuration loading: defaults, overrides, and every kind of mistake reported at its line and column.
#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace zkwire {
namespace {

std::string problems_of(const std::string& yaml) {
  LoadedConfig loaded = load_config_text(yaml, "zkwire.yaml");
  std::string all;
  for (const auto& p : loaded.problems) all += p.to_string() + "\n";
  return all;
}

TEST(ConfigLoader, AnEmptyFileKeepsEveryDefault) {
  LoadedConfig loaded = load_config_text("", "zkwire.yaml");
  EXPECT_TRUE(loaded.problems.empty());
  EXPECT_EQ(loaded.config.decoder.max_frame, 0xfffffu);
  EXPECT_EQ(loaded.config.inspector.reconnect_storm_count, 5u);
}

TEST(ConfigLoader, TheExampleFileLoadsAndSaysTheDefaults) {
  LoadedConfig loaded = load_config_text(example_config_yaml(), "example");
  ASSERT_TRUE(loaded.problems.empty()) << loaded.problems[0].to_string();
  Config defaults;
  for (const ConfigKey& key : all_config_keys())
    EXPECT_EQ(key.get(loaded.config), key.get(defaults)) << key.name;
}

TEST(ConfigLoader, ValuesOverrideDefaults) {
  LoadedConfig loaded = load_config_text("inspector:\n  ping_rtt_high_ms: 250\ndecoder:\n  max_frame: 0x200000\n", "f");
  ASSERT_TRUE(loaded.problems.empty());
  EXPECT_EQ(loaded.config.inspector.ping_rtt_high_ms, 250);
  EXPECT_EQ(loaded.config.decoder.max_frame, 0x200000u);
}

TEST(ConfigLoader, AnUnknownKeyIsReportedWhereItIsWithTheKeysThatExist) {
  EXPECT_EQ(problems_of("inspector:\n  ping_rtt_high_ms: 250\n  ping_rtt_hgih: 3\n"),
            "zkwire.yaml:3:3: unknown key 'inspector.ping_rtt_hgih', expected one of: ping_gap_fraction, "
            "ping_rtt_high_ms, expiry_risk_fraction, reconnect_storm_count, reconnect_storm_window_ms, "
            "watch_storm_count, watch_storm_window_ms, large_frame_fraction, forget_after_timeouts\n");
}

TEST(ConfigLoader, ABadValueSaysWhatWasExpected) {
  EXPECT_EQ(problems_of("decoder:\n  max_frame: big\n"),
            "zkwire.yaml:2:14: decoder.max_frame: expected an integer from 16 to 2147483647, got 'big'\n");
  EXPECT_EQ(problems_of("inspector:\n  large_frame_fraction: 1.5\n"),
            "zkwire.yaml:2:25: inspector.large_frame_fraction: 1.5 is out of range, expected a number from 0.01 to 1\n");
  EXPECT_EQ(problems_of("inspector:\n  watch_storm_count: [1, 2]\n"),
            "zkwire.yaml:2:22: inspector.watch_storm_count: expected an integer from 2 to 100000000\n");
}

TEST(ConfigLoader, ProxyListsChoicesAndStrings) {
  LoadedConfig loaded = load_config_text(
      "proxy:\n  listen: [\"127.0.0.1:2181\", \"[::1]:2181\"]\n  upstreams: [a:1, b:2]\n  policy: round_robin\n"
      "  admin: \"127.0.0.1:9181\"\n",
      "f");
  ASSERT_TRUE(loaded.problems.empty()) << loaded.problems[0].to_string();
  EXPECT_EQ(loaded.config.proxy.listen, (std::vector<std::string>{"127.0.0.1:2181", "[::1]:2181"}));
  EXPECT_EQ(loaded.config.proxy.upstreams, (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(loaded.config.proxy.pool.policy, BalancePolicy::round_robin);
  EXPECT_EQ(loaded.config.proxy.admin, "127.0.0.1:9181");
  EXPECT_EQ(problems_of("proxy:\n  policy: fastest\n"),
            "zkwire.yaml:2:11: proxy.policy: 'fastest' is not one of least_connections,round_robin,random\n");
  EXPECT_EQ(problems_of("proxy:\n  upstreams: {a: 1}\n"),
            "zkwire.yaml:2:14: proxy.upstreams: expected a list of strings, e.g. [\"127.0.0.1:2181\", \"127.0.0.1:2182\"]\n");
}

TEST(ConfigLoader, HealthChecksAndTheLeader) {
  Config defaults;
  EXPECT_EQ(defaults.proxy.health.command, HealthCheck::srvr);  // on unless turned off
  EXPECT_FALSE(defaults.proxy.pool.avoid_leader);
  LoadedConfig loaded = load_config_text(
      "proxy:\n  health_check: ruok\n  health_check_interval_ms: 500\n  health_check_timeout_ms: 200\n"
      "  avoid_leader: true\n  handshake_timeout_ms: 0\n",
      "f");
  ASSERT_TRUE(loaded.problems.empty()) << loaded.problems[0].to_string();
  EXPECT_EQ(loaded.config.proxy.health.command, HealthCheck::ruok);
  EXPECT_EQ(loaded.config.proxy.health.interval_ms, 500);
  EXPECT_EQ(loaded.config.proxy.health.timeout_ms, 200);
  EXPECT_TRUE(loaded.config.proxy.pool.avoid_leader);
  EXPECT_EQ(loaded.config.proxy.handshake_timeout_ms, 0);
  EXPECT_EQ(problems_of("proxy:\n  avoid_leader: yes\n"),
            "zkwire.yaml:2:17: proxy.avoid_leader: 'yes' is not one of false,true\n");
  EXPECT_EQ(problems_of("proxy:\n  health_check: mntr\n"),
            "zkwire.yaml:2:17: proxy.health_check: 'mntr' is not one of off,srvr,ruok\n");
}

TEST(ConfigLoader, EveryProblemIsReportedNotJustTheFirst) {
  std::string all = problems_of("nope: 1\ninspector:\n  x: 1\n  ping_rtt_high_ms: -5\n");
  EXPECT_NE(all.find("1:1: unknown section 'nope'"), std::string::npos) << all;
  EXPECT_NE(all.find("3:3: unknown key 'inspector.x'"), std::string::npos) << all;
  EXPECT_NE(all.find("4:21: inspector.ping_rtt_high_ms: -5 is out of range"), std::string::npos) << all;
}

TEST(ConfigLoader, BrokenYamlIsASyntaxErrorWithItsPlace) {
  std::string all = problems_of("inspector:\n  ping_rtt_high_ms: [1\n");
  EXPECT_NE(all.find("zkwire.yaml:3:1: YAML syntax"), std::string::npos) << all;
  EXPECT_NE(problems_of("- just\n- a list\n").find("1:1: expected a map of sections"), std::string::npos);
}

TEST(ConfigLoader, AMissingFileIsAProblemNotACrash) {
  LoadedConfig loaded = load_config_file("/nonexistent/zkwire.yaml");
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_EQ(loaded.problems[0].to_string(), "/nonexistent/zkwire.yaml: cannot read the configuration file");
}

}  // namespace
}  // namespace zkwire
