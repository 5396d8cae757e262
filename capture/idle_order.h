// Which live connection has been quiet the longest, kept lazily so that a packet only stamps its own connection.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace zkwire::capture {

// Moving a connection to the end of a recency list on every packet cost a call and two cache misses on random
// neighbours. Here a packet only writes its connection's last_seen and touch (a sequence number: equal times keep
// the order the list had), and a min-heap by touch holds one entry per connection with the stamp it had when the
// entry was made. Stamps only grow, so an entry never looks younger than its connection: once the top entry is
// current, its connection is the oldest. A stale top is re-stamped, an entry of a connection that left is dropped
// (a slot's generation tells), and the heap is rebuilt when such entries outnumber the live ones.
//
// Handle: copyable, stable while held, with ->last_seen (a Timestamp), ->touch (uint64_t, strictly growing across
// all handles, in step with last_seen) and ->idle_slot (uint32_t, ours to write).
template <class Handle>
class IdleOrder {
 public:
  // `handle` is stamped and not held yet.
  void add(const Handle& handle) {
    uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(Slot{handle, 0});
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot].handle = handle;
    }
    handle->idle_slot = slot;
    push(Entry{handle->last_seen.ns, handle->touch, slot, slots_[slot].generation});
    ++size_;
  }

  // `handle` is held; its entry stays behind, dead, unless it is on top.
  void remove(const Handle& handle) {
    const uint32_t slot = handle->idle_slot;
    Slot& s = slots_[slot];
    // Evicting the oldest removes the top: drop it now rather than meet it again.
    if (heap_.front().slot == slot && heap_.front().generation == s.generation) pop();
    ++s.generation;
    s.handle = Handle{};
    free_.push_back(slot);
    --size_;
    if (heap_.size() - size_ > size_ + kDeadSlack) drop_dead();
  }

  // False when no held handle can have been quiet for more than `idle_ns` at `now_ns`: the check every packet makes.
  bool may_be_idle(int64_t now_ns, int64_t idle_ns) const {
    return !heap_.empty() && now_ns - heap_.front().seen_ns > idle_ns;
  }

  // No held handle was last seen before this; nothing when none is held.
  std::optional<int64_t> earliest_seen_ns() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().seen_ns;
  }

  // The held handle stamped least recently, or nothing when none is held.
  std::optional<Handle> oldest() {
    while (!heap_.empty()) {
      const Entry top = heap_.front();
      const Slot& s = slots_[top.slot];
      if (top.generation != s.generation) {
        pop();
        continue;
      }
      if (top.touch == s.handle->touch) return s.handle;
      pop();
      push(Entry{s.handle->last_seen.ns, s.handle->touch, top.slot, top.generation});
    }
    return std::nullopt;
  }

  size_t size() const { return size_; }
  // Entries, dead ones included: what the heap costs.
  size_t entries() const { return heap_.size(); }

  void clear() {
    heap_.clear();
    slots_.clear();
    free_.clear();
    size_ = 0;
  }

 private:
  // Below this many dead entries a rebuild is not worth its pass.
  static constexpr size_t kDeadSlack = 1024;

  struct Entry {
    int64_t seen_ns;  // the connection's last_seen when the entry was made
    uint64_t touch;   // and its touch then: the heap's key
    uint32_t slot;
    uint32_t generation;
  };
  struct Slot {
    Handle handle;
    uint32_t generation;  // grows when the slot's handle leaves: older entries naming the slot are dead
  };
  // std's heap functions build a max-heap: "after" makes it a min-heap by touch.
  static bool after(const Entry& a, const Entry& b) { return a.touch > b.touch; }

  void push(const Entry& entry) {
    heap_.push_back(entry);
    std::push_heap(heap_.begin(), heap_.end(), after);
  }
  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), after);
    heap_.pop_back();
  }
  void drop_dead() {
    std::erase_if(heap_, [this](const Entry& e) { return e.generation != slots_[e.slot].generation; });
    std::make_heap(heap_.begin(), heap_.end(), after);
  }

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t size_ = 0;
};

}  // namespace zkwire::capture
