// The proxy's lifecycle: listen, accept into relays, reap finished ones, drain on SIGTERM.
#include "proxy/proxy_server.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <spdlog/spdlog.h>

#include "output/labels.h"
#include "proxy/admin_server.h"
#include "proxy/event_loop.h"
#include "proxy/proxy_logging.h"

namespace zkwire {

ProxyServer::ProxyServer(Config config)
    : config_(std::move(config)), base_(event_base_new()) {}

ProxyServer::~ProxyServer() {
  relays_.clear();
  finished_relays_.clear();
  health_.reset();
  ensemble_.reset();  // its events live on base_, freed below
  admin_.reset();
  for (evconnlistener* l : listeners_) evconnlistener_free(l);
  for (event* e : signals_) event_free(e);
  if (reaper_) event_free(reaper_);
  if (ticker_) event_free(ticker_);
  log_.reset();
  event_base_free(base_);
}

bool ProxyServer::start() {
  std::string error;
  auto servers = parse_server_list(config_.proxy.upstreams, error);
  if (!servers) {
    spdlog::error("upstream {}", error);
    return false;
  }
  if (servers->empty()) {
    spdlog::error("no upstream servers (--upstream host:port,...)");
    return false;
  }
  pool_ = std::make_unique<UpstreamPool>(std::move(*servers), config_.proxy.pool);

  configure_human_log(config_.proxy);
  log_ = open_traffic_log(config_.proxy, error);
  if (!error.empty()) {
    spdlog::error("{}", error);
    return false;
  }
  rebalancer_ = std::make_unique<Rebalancer>(config_.proxy.rebalance);
  fanout_.metrics = &metrics_;
  fanout_.log = log_.get();
  fanout_.rebalancer = rebalancer_.get();
  inspector_ = std::make_unique<SessionInspector>(config_.inspector, fanout_);

  for (const std::string& l : config_.proxy.listen) {
    auto address = resolve_address(l, error);
    if (!address) {
      spdlog::error("listen {}", error);
      return false;
    }
    evconnlistener* listener =
        evconnlistener_new_bind(base_, accept_cb, this, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
                                address->get(), static_cast<int>(address->length));
    if (!listener) {
      spdlog::error("cannot listen on {}: {}", l, std::strerror(errno));
      return false;
    }
    listeners_.push_back(listener);
  }
  if (!config_.proxy.admin.empty()) {
    admin_ = std::make_unique<AdminServer>(base_, *this);
    if (!admin_->listen(config_.proxy.admin, error)) {
      spdlog::error("{}", error);
      return false;
    }
  }
  health_ = std::make_unique<HealthChecker>(base_, *pool_, config_.proxy.health);
  health_->start();
  if (config_.proxy.rebalance.follow_ensemble_config) {
    ensemble_ = std::make_unique<EnsembleWatcher>(base_, config_.proxy.upstreams,
                                                  [this](const EnsembleConfig& e) { on_ensemble_config(e); });
    ensemble_->start();
  }
  reaper_ = event_new(base_, -1, 0, reap_cb, this);
  ticker_ = event_new(base_, -1, EV_PERSIST, tick_cb, this);
  timeval second{0, 250'000};
  event_add(ticker_, &second);
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
    event* e = evsignal_new(base_, signal, signal_cb, this);
    event_add(e, nullptr);
    signals_.push_back(e);
  }
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}

int ProxyServer::run() {
  std::string listening;
  for (const auto& l : config_.proxy.listen) listening += (listening.empty() ? "" : ", ") + l;
  spdlog::info("listening on {}, forwarding to {} server(s) ({}){}{}", listening, pool_->servers().size(),
               policy_name(config_.proxy.pool.policy), config_.proxy.admin.empty() ? "" : ", admin on ",
               config_.proxy.admin);
  int status = run_event_loop(base_, {&io_callbacks_, &config_.proxy.poll_before_sleep_us,
                                        &config_.proxy.spin_when_saturated_us, &loop_stats_});
  if (status != 0) spdlog::error("the event loop failed: {}", std::strerror(errno));
  if (log_) log_->flush();
  return status == 0 ? 0 : 1;
}

void ProxyServer::accept_cb(evconnlistener*, evutil_socket_t fd, sockaddr* address, int, void* arg) {
  static_cast<ProxyServer*>(arg)->on_accept(fd, address);
}

void ProxyServer::on_accept(evutil_socket_t fd, sockaddr* address) {
  if (draining_ || relays_.size() >= config_.proxy.max_connections) {
    close(fd);  // over the limit: the client sees the connection refused-ish and tries another server
    return;
  }
  evutil_make_socket_nonblocking(fd);
  uint64_t id = next_id_++;
  RelayContext context{base_, &config_.proxy, &config_.decoder, pool_.get(), inspector_.get(), read_buffer_,
                       [this](uint64_t done) { on_relay_finished(done); }, [this] { return next_id_++; },
                       rebalancer_.get(), &io_callbacks_};
  auto relay = std::make_unique<Relay>(std::move(context), id, fd, address_text(address));
  Relay& r = *relay;
  relays_.emplace(id, std::move(relay));
  r.start();
}

// A relay cannot be destroyed inside its own callback: it is parked, and freed on the next loop turn.
void ProxyServer::on_relay_finished(uint64_t id) {
  auto it = relays_.find(id);
  if (it == relays_.end()) return;
  finished_relays_.push_back(std::move(it->second));
  relays_.erase(it);
  event_active(reaper_, 0, 0);
}

void ProxyServer::reap_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<ProxyServer*>(arg);
  self->finished_relays_.clear();
  if (self->draining_ && self->relays_.empty()) event_base_loopexit(self->base_, nullptr);
}

void ProxyServer::tick_cb(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<ProxyServer*>(arg);
  timeval tv{};
  event_base_gettimeofday_cached(self->base_, &tv);
  const Timestamp now{int64_t{tv.tv_sec} * 1'000'000'000 + int64_t{tv.tv_usec} * 1000};
  self->inspector_->advance_to(now);
  if (!self->draining_) self->rebalance(now);
  if (self->log_) self->log_->flush();
}

void ProxyServer::rebalance(Timestamp now) {
  if (!config_.proxy.rebalance.enabled && rebalancer_->moves_under_way() == 0) return;
  std::vector<AttachedSession> sessions;
  sessions.reserve(relays_.size());
  for (const auto& [id, relay] : relays_) {
    const std::optional<size_t> server = relay->attached_server();
    if (server)
      sessions.push_back({id, relay->session(), *server, relay->established() && relay->pending_requests() == 0});
  }
  for (const PlannedMove& move : rebalancer_->tick(*pool_, sessions, now)) {
    auto it = relays_.find(move.relay);
    if (it == relays_.end()) continue;
    const auto& servers = pool_->servers();
    spdlog::info("moving session {} from {} to {} ({})", hex_label(move.session), servers[move.from].address.text,
                 servers[move.to].address.text, move.reason);
    it->second->move_away();
  }
}

bool ProxyServer::set_servers(const std::vector<std::string>& servers, std::string_view source, std::string& error) {
  auto specs = parse_server_list(servers, error);
  if (!specs) return false;
  if (specs->empty()) {
    error = "an empty server list";
    return false;
  }
  const std::string change = pool_->set_servers(std::move(*specs));
  if (!change.empty()) spdlog::info("servers from {}: {}", source, change);
  // The running configuration says what is in use (/config), and a reload compares against it. When the list
  // follows the ensemble, `upstreams` stays what it is: where to ask.
  if (!config_.proxy.rebalance.follow_ensemble_config) config_.proxy.upstreams = servers;
  return true;
}

void ProxyServer::on_ensemble_config(const EnsembleConfig& ensemble) {
  std::vector<std::string> servers;
  for (const EnsembleMember& m : ensemble.members) {
    if (m.client_address.empty()) {
      spdlog::warn("ensemble config: server.{} names no client address; it is left out", m.id);
      continue;
    }
    servers.push_back(m.client_address);
  }
  std::string error;
  if (servers.empty()) return;  // a standalone server's empty node, or nothing readable: keep what we have
  if (!set_servers(servers, "/zookeeper/config version " + ensemble.version, error))
    spdlog::error("ensemble config: {}", error);
  else
    ensemble_->set_servers(servers);  // ask any member next time, not only the first list's
}

void ProxyServer::signal_cb(evutil_socket_t signal, short, void* arg) {
  auto* self = static_cast<ProxyServer*>(arg);
  if (signal == SIGHUP) return self->reload();
  if (self->draining_) {
    spdlog::warn("second signal {}, stopping now", static_cast<int>(signal));
    event_base_loopexit(self->base_, nullptr);
    return;
  }
  self->begin_drain();
}

// Stop accepting, let pending requests finish (bounded), then exit.
void ProxyServer::begin_drain() {
  draining_ = true;
  // Closed, not just disabled: a disabled listener's socket still completes handshakes into its backlog, so new
  // clients would hang until exit instead of being refused and moving on to another server.
  for (evconnlistener* l : listeners_) evconnlistener_free(l);
  listeners_.clear();
  spdlog::info("draining {} connection(s) for up to {} ms", relays_.size(), config_.proxy.drain_timeout_ms);
  std::vector<Relay*> open;
  for (auto& [id, relay] : relays_) open.push_back(relay.get());
  for (Relay* relay : open) relay->close_when_idle();
  timeval limit{config_.proxy.drain_timeout_ms / 1000, (config_.proxy.drain_timeout_ms % 1000) * 1000};
  event_base_loopexit(base_, &limit);
  if (relays_.empty()) event_active(reaper_, 0, 0);
}

}  // namespace zkwire

namespace zkwire {

// SIGHUP: read the configuration again; apply what can change live, say what needs a restart.
void ProxyServer::reload() {
  if (!reload_) {
    spdlog::warn("SIGHUP: no configuration file to reload (started without --config)");
    return;
  }
  std::vector<ConfigProblem> problems;
  std::optional<Config> next = reload_(problems);
  for (const ConfigProblem& p : problems) spdlog::error("{}", p.to_string());
  if (!next) {
    spdlog::error("SIGHUP: configuration refused, the running one stays");
    return;
  }
  const bool servers_changed = next->proxy.upstreams != config_.proxy.upstreams;
  std::string error;
  if (servers_changed && !next->proxy.rebalance.follow_ensemble_config &&
      !parse_server_list(next->proxy.upstreams, error)) {
    spdlog::error("SIGHUP: configuration refused, the running one stays: proxy.upstreams: {}", error);
    return;
  }
  std::string applied, needs_restart;
  for (const ConfigKey& key : all_config_keys()) {
    if (key.get(*next) == key.get(config_)) continue;
    std::string name = std::string(key.section) + "." + std::string(key.name);
    if (key.reloadable) {
      key.set(config_, key.get(*next));
      applied += (applied.empty() ? "" : ", ") + name;
    } else {
      needs_restart += (needs_restart.empty() ? "" : ", ") + name;
    }
  }
  pool_->set_options(config_.proxy.pool);
  rebalancer_->set_options(config_.proxy.rebalance);
  if (servers_changed && config_.proxy.rebalance.follow_ensemble_config) {
    ensemble_->set_servers(config_.proxy.upstreams);
  } else if (servers_changed) {
    set_servers(config_.proxy.upstreams, "the reloaded configuration", error);
  }
  inspector_->set_config(config_.inspector);
  configure_human_log(config_.proxy);
  spdlog::info("SIGHUP: reloaded; changed: {}; needs a restart: {}", applied.empty() ? "nothing" : applied,
               needs_restart.empty() ? "nothing" : needs_restart);
}

}  // namespace zkwire
