// Backward-shift deletion for linear-probing tables: the one piece of logic the open-addressing tables share.
#pragma once
#include <cstddef>
#include <vector>

namespace zkwire {

// After the entry at `hole` has been taken out, moves up each following entry (up to the next empty slot) whose home
// slot does not lie cyclically between the hole and it, so that every lookup still finds its entry before the first
// empty slot: no tombstones. Returns the slot left over, which the caller marks empty. `occupied(slot)` says whether
// a slot holds an entry, `home_of(slot)` where its probe sequence starts; `mask` is the table size minus one.
template <class Slot, class Occupied, class HomeOf>
size_t close_probe_gap(std::vector<Slot>& slots, size_t mask, size_t hole, Occupied occupied, HomeOf home_of) {
  for (size_t next = (hole + 1) & mask; occupied(slots[next]); next = (next + 1) & mask) {
    const size_t home = home_of(slots[next]);
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (stays) continue;
    slots[hole] = slots[next];
    hole = next;
  }
  return hole;
}

}  // namespace zkwire
