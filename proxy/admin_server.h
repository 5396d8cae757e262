// The admin HTTP endpoint (libevent's evhttp, loopback by default): /metrics, /sessions, /connections,
// /upstreams, /servers (GET, and POST from loopback to change the list), /healthz, /config.
#pragma once
#include <event2/http.h>

#include <string>

namespace zkwire {

class ProxyServer;

class AdminServer {
 public:
  AdminServer(event_base* base, ProxyServer& proxy);
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
  std::string servers() const;
  // POST /servers {"servers": ["host:port", ...]}: the new list, or an error and the status to send it with.
  int post_servers(evhttp_request* request, std::string& body);

  evhttp* http_;
  ProxyServer& proxy_;
};

}  // namespace zkwire
