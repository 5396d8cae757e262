// Keeps every server at its fair share: each tick counts sessions per server, plans, and starts a few moves.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "decoder/basics.h"
#include "proxy/proxy_options.h"
#include "proxy/relay.h"
#include "proxy/session_moves.h"
#include "proxy/upstream_pool.h"

namespace zkwire {

// A relay as the rebalancer sees it: an attached session on a server, and whether it could move right now.
struct AttachedSession {
  uint64_t relay = 0;
  int64_t session = 0;
  size_t server = 0;
  bool at_safe_point = false;  // no request pending (a move then loses nothing and fails nothing)
};

struct PlannedMove {
  uint64_t relay = 0;
  int64_t session = 0;
  size_t from = 0, to = 0;
  std::string_view reason;  // removed, ejected, unhealthy, leader or fair_share
};

class Rebalancer : public SessionRouter {
 public:
  explicit Rebalancer(const RebalanceOptions& options);

  // The moves to start now. The caller closes each relay's upstream, then its client; the client reconnects
  // with its session and target_of() names the server to send it to.
  std::vector<PlannedMove> tick(const UpstreamPool& pool, const std::vector<AttachedSession>& sessions, Timestamp now);
  bool routing() const override { return moves_.under_way() > 0; }
  std::optional<size_t> target_of(int64_t session) const override { return moves_.target_of(session); }
  // A session attached (anywhere): its move, if it had one, is over.
  void attached(int64_t session) { moves_.arrived(session); }
  void set_options(const RebalanceOptions& options);

  uint64_t moves_total() const { return moves_total_; }
  size_t moves_under_way() const { return moves_.under_way(); }
  // (from, to, reason) -> moves, for /metrics.
  const std::map<std::tuple<std::string, std::string, std::string>, uint64_t>& moves_by_route() const {
    return by_route_;
  }

 private:
  RebalanceOptions options_;
  SessionMoves moves_;
  bool balancing_ = false;  // started by drift beyond the tolerance, on until every share is exact
  uint64_t moves_total_ = 0;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> by_route_;
};

}  // namespace zkwire
