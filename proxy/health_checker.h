// Health checks on the proxy's own loop: every interval, one short connection per server sends `srvr` (or
// `ruok`) and reads the text reply up to the server's close, within a deadline; the verdict goes to the pool.
// Nothing here waits: a check is a bufferevent and a timer like any relay's.
#pragma once
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <memory>
#include <string>
#include <vector>

#include "proxy/health_reply.h"
#include "proxy/proxy_options.h"
#include "proxy/upstream_pool.h"

namespace zkwire {

class HealthChecker {
 public:
  // `options` is read at every round, so a reload takes effect at the next one.
  HealthChecker(event_base* base, UpstreamPool& pool, const HealthCheckOptions& options);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // The first round now, then one every interval.
  void start();

 private:
  // One server's check; at most one in flight per server (a round skips a server whose check is still out).
  struct Probe {
    HealthChecker* owner = nullptr;
    size_t server = 0;
    bufferevent* connection = nullptr;
    event* deadline = nullptr;
    HealthCheck command = HealthCheck::srvr;
    std::string reply;
  };

  static void round_cb(evutil_socket_t, short, void* arg);
  static void read_cb(bufferevent* bev, void* arg);
  static void event_cb(bufferevent* bev, short what, void* arg);
  static void deadline_cb(evutil_socket_t, short, void* arg);
  void round();
  void add_probes();
  void begin(Probe& probe);
  void end(Probe& probe, HealthReport report);
  void take_reply(Probe& probe);

  event_base* base_;
  UpstreamPool& pool_;
  const HealthCheckOptions& options_;
  event* round_timer_ = nullptr;
  std::vector<std::unique_ptr<Probe>> probes_;  // by server index; stable addresses for the callbacks
  bool forgotten_ = true;  // checks are off and the pool holds no verdict of theirs
};

}  // namespace zkwire
