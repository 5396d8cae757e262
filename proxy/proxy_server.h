// The proxy: one libevent loop, its listeners, the upstream pool, every relay, and the record pipeline.
#pragma once
#include <event2/event.h>
#include <event2/listener.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "output/record_output.h"
#include "config/config_loader.h"
#include "inspector/session_inspector.h"
#include "proxy/ensemble_watcher.h"
#include "proxy/event_loop.h"
#include "proxy/health_checker.h"
#include "proxy/proxy_metrics.h"
#include "proxy/proxy_options.h"
#include "proxy/rebalancer.h"
#include "proxy/relay.h"
#include "proxy/upstream_pool.h"

namespace zkwire {

class AdminServer;

class ProxyServer {
 public:
  explicit ProxyServer(Config config);
  // How to read the configuration again on SIGHUP (the file, with the command line's flags on top).
  using Reloader = std::function<std::optional<Config>(std::vector<ConfigProblem>& problems)>;
  void set_reloader(Reloader reload) { reload_ = std::move(reload); }
  ~ProxyServer();

  // Resolves, binds and listens; false (after printing why) when it cannot.
  bool start();
  // Runs until SIGTERM/SIGINT and the bounded drain that follows. Returns the exit status.
  int run();

  const ProxyOptions& options() const { return config_.proxy; }
  const Config& config() const { return config_; }
  const UpstreamPool& pool() const { return *pool_; }
  const Rebalancer& rebalancer() const { return *rebalancer_; }
  // A new server list from the admin endpoint, a reload or the ensemble's own config; false (with `error`) if an
  // entry is bad, and then nothing changes.
  bool set_servers(const std::vector<std::string>& servers, std::string_view source, std::string& error);
  const ProxyMetrics& metrics() const { return metrics_; }
  const SessionInspector& inspector() const { return *inspector_; }
  const std::unordered_map<uint64_t, std::unique_ptr<Relay>>& relays() const { return relays_; }
  bool draining() const { return draining_; }
  const LoopStats& loop_stats() const { return loop_stats_; }

 private:
  // Records go to the metrics and, when asked, to the traffic log; the inspector sits in front of both.
  struct Fanout : RecordConsumer {
    ProxyMetrics* metrics = nullptr;
    RecordOutput* log = nullptr;
    Rebalancer* rebalancer = nullptr;
    void consume(uint64_t c, const Record& r, const FlowLabels& f) override {
      // Most records only count: they take a path with no call after the counting, so nothing is kept for one.
      if (log || r.kind == RecordKind::connect_response) return consume_all(c, r, f);
      metrics->consume(c, r, f);
    }
    [[gnu::noinline]] void consume_all(uint64_t c, const Record& r, const FlowLabels& f) {
      metrics->consume(c, r, f);
      if (log) log->consume(c, r, f);
      // A moved session is home once it attaches again.
      if (r.kind == RecordKind::connect_response && r.session != 0) rebalancer->attached(r.session);
    }
  };

  static void accept_cb(evconnlistener* listener, evutil_socket_t fd, sockaddr* address, int length, void* arg);
  static void signal_cb(evutil_socket_t signal, short, void* arg);
  static void reap_cb(evutil_socket_t, short, void* arg);
  static void tick_cb(evutil_socket_t, short, void* arg);
  void on_accept(evutil_socket_t fd, sockaddr* address);
  void on_relay_finished(uint64_t id);
  void begin_drain();
  void reload();
  void rebalance(Timestamp now);
  void on_ensemble_config(const EnsembleConfig& ensemble);

  Config config_;
  event_base* base_ = nullptr;
  std::vector<evconnlistener*> listeners_;
  std::unique_ptr<UpstreamPool> pool_;
  std::unique_ptr<HealthChecker> health_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<EnsembleWatcher> ensemble_;
  std::unique_ptr<RecordOutput> log_;
  ProxyMetrics metrics_;
  Fanout fanout_;
  std::unique_ptr<SessionInspector> inspector_;
  std::unique_ptr<AdminServer> admin_;
  std::unordered_map<uint64_t, std::unique_ptr<Relay>> relays_;
  std::vector<std::unique_ptr<Relay>> finished_relays_;
  std::vector<uint8_t> read_buffer_ = std::vector<uint8_t>(64u << 10);  // every relay reads into it, in turn
  uint64_t io_callbacks_ = 0;  // the relays' read and write callbacks so far (proxy/event_loop.h)
  LoopStats loop_stats_;
  event* reaper_ = nullptr;
  event* ticker_ = nullptr;
  std::vector<event*> signals_;
  uint64_t next_id_ = 1;
  bool draining_ = false;
  Reloader reload_;
};

}  // namespace zkwire
