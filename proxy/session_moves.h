// Which sessions move where: moves under way (so the reconnect is routed to its target), and their pace.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "decoder/basics.h"
#include "proxy/rebalance_plan.h"

namespace zkwire {

// A session on a server that may be moved now: attached, and at a safe point (no request pending).
struct MoveCandidate {
  uint64_t relay = 0;
  int64_t session = 0;
  size_t server = 0;
};

struct ChosenMove {
  uint64_t relay = 0;
  int64_t session = 0;
  size_t from = 0, to = 0;
};

class SessionMoves {
 public:
  // moves_per_second: the pace, so that the ensemble never sees a reconnect storm; burst: how many may start
  // at once after a quiet spell. A move not completed within `give_up_ms` (the client never came back) is dropped.
  SessionMoves(double moves_per_second, uint32_t burst, int64_t give_up_ms);

  // Moves for this plan, from its candidates, as many as the pace allows now; each is remembered as under way.
  std::vector<ChosenMove> choose(const RebalancePlan& plan, const std::vector<MoveCandidate>& candidates,
                                 Timestamp now);
  // Where a reconnecting session should go, if it is being moved.
  std::optional<size_t> target_of(int64_t session) const;
  // The session attached on `server`: its move, if any, is over.
  void arrived(int64_t session);
  // Moves under way toward each of `servers` servers (they count toward its load until they arrive), leaving out
  // the sessions in `present` (already counted where their connection is).
  std::vector<uint32_t> inbound(size_t servers, const std::vector<int64_t>& present = {}) const;
  // Moves whose client never came back within give_up_ms are dropped (the session is no longer routed).
  void forget_expired(Timestamp now);
  void set_pace(double moves_per_second, uint32_t burst);
  size_t under_way() const { return under_way_.size(); }

 private:
  struct UnderWay {
    size_t to;
    int64_t deadline_ns;
  };
  void refill(Timestamp now);

  double per_second_;
  double burst_;
  int64_t give_up_ns_;
  double tokens_;
  std::optional<Timestamp> last_refill_;
  std::unordered_map<int64_t, UnderWay> under_way_;
};

}  // namespace zkwire
