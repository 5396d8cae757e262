// The admin HTTP endpoint (libevent's evhttp, loopback by default): /metrics, /sessions, /connections,
// /upstreams, /healthz, /config.
#pragma once
#include <event2/http.h>

#include <string>

namespace zkwire {

class ProxyServer;

class AdminServer {
 public:
  AdminServer(event_base* base, const ProxyServer& proxy);
  ~AdminServer();
  // Binds host:port; false with `error` set when it cannot.
  bool listen(const std::string& host_port, std::string& error);

 private:
  static void handle(evhttp_request* request, void* arg);
  std::string metrics() const;
  std::string sessions() const;
  std::string connections() const;
  std::string upstreams() const;
  std::string config() const;

  evhttp* http_;
  const ProxyServer& proxy_;
};

}  // namespace zkwire
