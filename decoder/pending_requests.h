// Requests sent on one connection and not yet answered, and the rules that match a reply to one of them.
#pragma once
#include <cstdint>
#include <vector>

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

// A queue in a vector, oldest first from `head_`: an empty one allocates nothing (a std::deque allocates 600 bytes
// even empty, and a proxy holds one per idle connection).
class PendingRequests {
 public:
  explicit PendingRequests(size_t limit) : limit_(limit) {}

  // False when the queue was full and the oldest request had to be forgotten.
  bool add(const PendingRequest& request) {
    bool room = size() < limit_;
    if (!room) pop_front();
    queue_.push_back(request);
    return room;
  }

  // Replies come back in request order, except pings (always xid -2, whatever the request carried) and
  // auth replies, which the server answers on its I/O thread ahead of the pipeline.
  ReplyMatch take(int32_t reply_xid) {
    ReplyMatch match;
    for (size_t i = head_; i < queue_.size(); ++i) {
      const PendingRequest& candidate = queue_[i];
      bool same = reply_xid == kPingXid ? candidate.op == static_cast<int32_t>(OpCode::ping)
                                        : candidate.xid == reply_xid;
      if (!same) continue;
      match.found = true;
      match.request = candidate;
      match.out_of_order = i > head_ && reply_xid != kPingXid && reply_xid != kAuthXid;
      // The usual case, a reply to the oldest request, is a pop.
      if (i == head_)
        pop_front();
      else
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
      return match;
    }
    return match;
  }

  size_t size() const { return queue_.size() - head_; }

 private:
  void pop_front() {
    if (++head_ < queue_.size()) {
      // Drop the consumed prefix once it is most of the vector: amortised O(1), bounded memory.
      if (head_ >= 32 && head_ * 2 >= queue_.size()) {
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      return;
    }
    head_ = 0;
    // Empty again: keep a small buffer for the next requests, give back what a burst grew.
    if (queue_.capacity() > kKeptCapacity)
      std::vector<PendingRequest>().swap(queue_);
    else
      queue_.clear();
  }

  static constexpr size_t kKeptCapacity = 64;
  size_t limit_;
  std::vector<PendingRequest> queue_;
  size_t head_ = 0;  // queue_[0, head_) are answered or forgotten
};

}  // namespace zkwire
