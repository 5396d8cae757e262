// Requests sent on one connection and not yet answered, and the rules that match a reply to one of them.
#pragma once
#include <cstdint>
#include <deque>

#include "decoder/basics.h"
#include "decoder/opcodes.h"

namespace zkwire {

struct PendingRequest {
  int32_t xid;
  int32_t op;
  Timestamp sent;
};

struct ReplyMatch {
  bool found = false;
  bool out_of_order = false;  // earlier requests are still waiting: the reply overtook them
  PendingRequest request{};
};

class PendingRequests {
 public:
  explicit PendingRequests(size_t limit) : limit_(limit) {}

  // False when the queue was full and the oldest request had to be forgotten.
  bool add(const PendingRequest& request) {
    bool room = queue_.size() < limit_;
    if (!room) queue_.pop_front();
    queue_.push_back(request);
    return room;
  }

  // Replies come back in request order, except pings (always xid -2, whatever the request carried) and
  // auth replies, which the server answers on its I/O thread ahead of the pipeline.
  ReplyMatch take(int32_t reply_xid) {
    ReplyMatch match;
    for (size_t i = 0; i < queue_.size(); ++i) {
      const PendingRequest& candidate = queue_[i];
      bool same = reply_xid == kPingXid ? candidate.op == static_cast<int32_t>(OpCode::ping)
                                        : candidate.xid == reply_xid;
      if (!same) continue;
      match.found = true;
      match.request = candidate;
      match.out_of_order = i > 0 && reply_xid != kPingXid && reply_xid != kAuthXid;
      // The usual case, a reply to the oldest request, is a pop: deque::erase costs far more even at begin().
      if (i == 0)
        queue_.pop_front();
      else
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
      return match;
    }
    return match;
  }

  size_t size() const { return queue_.size(); }

 private:
  size_t limit_;
  std::deque<PendingRequest> queue_;
};

}  // namespace zkwire
