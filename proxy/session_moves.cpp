// A token bucket for the pace, and a plan's per-server counts turned into concrete sessions.
#include "proxy/session_moves.h"

#include <algorithm>

namespace zkwire {

SessionMoves::SessionMoves(double moves_per_second, uint32_t burst, int64_t give_up_ms)
    : per_second_(moves_per_second), burst_(burst), give_up_ns_(give_up_ms * 1'000'000), tokens_(burst) {}

void SessionMoves::set_pace(double moves_per_second, uint32_t burst) {
  per_second_ = moves_per_second;
  burst_ = burst;
  tokens_ = std::min(tokens_, burst_);
}

void SessionMoves::refill(Timestamp now) {
  if (last_refill_) tokens_ = std::min(burst_, tokens_ + per_second_ * static_cast<double>(now.ns - last_refill_->ns) / 1e9);
  last_refill_ = now;
}

std::vector<ChosenMove> SessionMoves::choose(const RebalancePlan& plan, const std::vector<MoveCandidate>& candidates,
                                             Timestamp now) {
  refill(now);
  std::vector<ChosenMove> chosen;
  std::vector<uint32_t> leaving = plan.moves_from, arriving = plan.moves_to;
  size_t next_target = 0;
  for (const MoveCandidate& c : candidates) {
    if (tokens_ < 1) break;
    if (c.server >= leaving.size() || leaving[c.server] == 0 || under_way_.count(c.session)) continue;
    // The next server still short of its share, in order, so arrivals spread over all of them.
    size_t tried = 0;
    while (tried < arriving.size() && arriving[next_target % arriving.size()] == 0) ++next_target, ++tried;
    if (tried == arriving.size()) break;
    const size_t to = next_target % arriving.size();
    ++next_target;
    --leaving[c.server];
    --arriving[to];
    tokens_ -= 1;
    under_way_[c.session] = {to, now.ns + give_up_ns_};
    chosen.push_back({c.relay, c.session, c.server, to});
  }
  return chosen;
}

std::optional<size_t> SessionMoves::target_of(int64_t session) const {
  auto it = under_way_.find(session);
  if (it == under_way_.end()) return std::nullopt;
  return it->second.to;
}

void SessionMoves::arrived(int64_t session) { under_way_.erase(session); }

std::vector<uint32_t> SessionMoves::inbound(size_t servers, const std::vector<int64_t>& present) const {
  std::vector<uint32_t> counts(servers, 0);
  for (const auto& [session, move] : under_way_)
    if (move.to < servers && !std::binary_search(present.begin(), present.end(), session)) ++counts[move.to];
  return counts;
}

void SessionMoves::forget_expired(Timestamp now) {
  std::erase_if(under_way_, [&](const auto& entry) { return entry.second.deadline_ns <= now.ns; });
}

}  // namespace zkwire
