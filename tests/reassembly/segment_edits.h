// Rewrites of a segment list that a real network or capture point can produce: reordering, duplicates, re-cuts, loss.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "tests/reassembly/segment_list.h"

namespace zkwire::reassembly_testing {

// A burst is what one sender put on the wire before its peer sent data again: its data segments, plus the
// peer's bare acknowledgements in between. `edit` gets the burst's data segments and returns their
// replacement; the acknowledgements then follow the whole burst, because a receiver can only acknowledge
// bytes that reached it, and a capture never shows an acknowledgement before the data it covers.
using BurstEdit = std::function<Segments(const Segments& burst)>;
Segments edit_bursts(const Segments& all, const BurstEdit& edit);

// The burst's bytes cut again into segments starting every `step` bytes and `step + overlap` long (the
// last one shorter), so each overlaps the next by `overlap` bytes with the very same bytes. `step` is
// capped so that a segment still fits in one IPv4 packet.
Segments recut(const Segments& burst, size_t step, size_t overlap = 0);
// Runs of consecutive segments reversed; the run lengths are taken from `lengths` in turn.
Segments reverse_runs(Segments burst, const std::vector<size_t>& lengths);
// Segments 0 and 1 swapped, then 2 and 3, and so on.
Segments swap_neighbours(Segments burst);

// Every data segment sent twice in a row.
Segments each_data_segment_twice(const Segments& all);
// Every `nth` data segment sent once more, `delay` packets later (or at the very end).
Segments resend_later(const Segments& all, size_t nth, size_t delay);

// The list without the segment at `index`.
Segments without(const Segments& all, size_t index);
// The list from `index` on: a capture started late.
Segments from(const Segments& all, size_t index);
// Segment `index` without its first `bytes` payload bytes, as if the capture had begun inside it.
Segments trim_front(const Segments& all, size_t index, size_t bytes);
// Segment `index` with only its first `bytes` payload bytes: the rest of it was lost.
Segments keep_front(const Segments& all, size_t index, size_t bytes);
// Port `from` renamed to `to` on both ends of every segment.
Segments with_port(const Segments& all, uint16_t from, uint16_t to);
// Without the SYN and SYN-ACK packets.
Segments without_syns(const Segments& all);

}  // namespace zkwire::reassembly_testing
