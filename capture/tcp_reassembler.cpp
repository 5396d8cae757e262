// Ordering, de-duplicating and hole-skipping for one direction of a TCP stream.
#include "capture/tcp_reassembler.h"

#include <algorithm>
#include <iterator>

namespace zkwire::capture {

TcpReassembler::TcpReassembler(size_t max_held_bytes) : max_held_bytes_(max_held_bytes) {}

void TcpReassembler::start_at(uint32_t first_payload_seq) {
  started_ = true;
  first_payload_seq_ = first_payload_seq;
  next_ = 0;
}

int64_t TcpReassembler::offset_of(uint32_t seq) const {
  // Interpreting the distance from the next expected number as signed 32-bit is what makes
  // wrap-around work: any segment within 2 GiB either side lands where it belongs.
  const uint32_t next_seq = first_payload_seq_ + static_cast<uint32_t>(next_);
  const auto distance = static_cast<int32_t>(seq - next_seq);
  return static_cast<int64_t>(next_) + distance;
}

void TcpReassembler::emit(const Piece& piece, uint64_t from, uint64_t to, Timestamp at,
                          StreamReceiver& out) {
  const uint64_t bytes_end = piece.start + piece.bytes.size();
  if (from < bytes_end) {
    const uint64_t until = std::min(to, bytes_end);
    out.on_bytes(piece.bytes.subspan(from - piece.start, until - from), at);
  }
  if (to > bytes_end) out.on_lost(to - std::max(from, bytes_end), at);
}

void TcpReassembler::hold(const Piece& piece, uint64_t from, uint64_t to) {
  const uint64_t bytes_end = piece.start + piece.bytes.size();
  Held held;
  if (from < bytes_end) {
    const auto first = piece.bytes.begin() + static_cast<ptrdiff_t>(from - piece.start);
    held.bytes.assign(first, first + static_cast<ptrdiff_t>(std::min(to, bytes_end) - from));
  }
  held.lost_tail = to > bytes_end ? to - std::max(from, bytes_end) : 0;
  held_bytes_ += held.bytes.size();
  held_.emplace(from, std::move(held));
}

void TcpReassembler::deliver_held(Timestamp at, StreamReceiver& out) {
  while (!held_.empty() && held_.begin()->first <= next_) {
    auto first = held_.begin();
    const Piece piece{first->first, first->second.bytes, first->second.lost_tail};
    if (piece.end() > next_) {
      emit(piece, next_, piece.end(), at, out);
      next_ = piece.end();
    }
    held_bytes_ -= first->second.bytes.size();
    held_.erase(first);
  }
}

void TcpReassembler::skip_hole_until(uint64_t offset, Timestamp at, StreamReceiver& out) {
  if (offset > next_) {
    out.on_lost(offset - next_, at);
    next_ = offset;
  }
  deliver_held(at, out);
}

void TcpReassembler::add_walking(uint32_t seq, std::span<const uint8_t> captured, uint32_t lost_tail,
                                 Timestamp at, StreamReceiver& out) {
  if (!started_) start_at(seq);
  if (captured.empty() && lost_tail == 0) return;

  const int64_t start = offset_of(seq);
  Piece piece{0, captured, lost_tail};
  uint64_t end = static_cast<uint64_t>(std::max<int64_t>(
      start + static_cast<int64_t>(captured.size()) + lost_tail, 0));
  if (end <= next_) return;  // a retransmission of bytes already delivered or declared lost
  if (fin_offset_ && end > *fin_offset_) end = *fin_offset_;  // nothing follows a FIN
  if (start >= 0) {
    piece.start = static_cast<uint64_t>(start);
  } else {
    // Bytes from before the stream's first byte: keep only those at or after it.
    const auto before = static_cast<uint64_t>(-start);
    const uint64_t from_bytes = std::min<uint64_t>(before, captured.size());
    piece.bytes = captured.subspan(from_bytes);
    piece.lost_tail -= before - from_bytes;
  }

  // Walk the segment from its first undelivered byte, delivering what continues the
  // stream and holding what lies beyond a hole; wherever held data already covers a
  // stretch, the earlier copy wins and this one is skipped.
  uint64_t cursor = std::max(piece.start, next_);
  while (cursor < end) {
    if (cursor == next_) {
      const uint64_t until = held_.empty() ? end : std::min(end, held_.begin()->first);
      if (until > cursor) {
        emit(piece, cursor, until, at, out);
        next_ = until;
      }
      deliver_held(at, out);
      cursor = std::max(until, next_);
      continue;
    }
    auto after = held_.upper_bound(cursor);
    if (after != held_.begin()) {
      const auto before = std::prev(after);
      const uint64_t covered_until =
          before->first + before->second.bytes.size() + before->second.lost_tail;
      if (covered_until > cursor) {
        cursor = covered_until;
        continue;
      }
    }
    const uint64_t until = after == held_.end() ? end : std::min(end, after->first);
    hold(piece, cursor, until);
    cursor = until;
  }

  // Too much waiting behind a hole means the hole will not fill; memory stays bounded.
  while (held_bytes_ > max_held_bytes_ && !held_.empty()) {
    skip_hole_until(held_.begin()->first, at, out);
  }
}

void TcpReassembler::note_fin(uint32_t fin_seq) {
  if (!started_) start_at(fin_seq);
  if (fin_offset_) return;
  fin_offset_ = static_cast<uint64_t>(std::max<int64_t>(offset_of(fin_seq), next_));
}

// A bare acknowledgement can be captured before the data it covers, and that data must not
// be thrown away: it only declares a hole lost when data is waiting behind it (the inline part
// returns early otherwise). An answer (the peer's own data) comes after the peer processed those
// bytes: the hole is lost now, and must be reported before the answer is, or the answer would
// seem to come first.
void TcpReassembler::peer_acked_beyond(uint32_t ack, Timestamp at, StreamReceiver& out) {
  int64_t acked = offset_of(ack);
  if (fin_offset_) acked = std::min<int64_t>(acked, static_cast<int64_t>(*fin_offset_));
  if (acked <= static_cast<int64_t>(next_)) return;
  const auto until = static_cast<uint64_t>(acked);
  skip_hole_until(held_.empty() ? until : std::min(until, held_.begin()->first), at, out);
}

void TcpReassembler::flush(Timestamp at, StreamReceiver& out) {
  while (!held_.empty()) skip_hole_until(held_.begin()->first, at, out);
  if (fin_offset_ && *fin_offset_ > next_) skip_hole_until(*fin_offset_, at, out);
}

void TcpReassembler::release() {
  held_.clear();
  held_bytes_ = 0;
}

}  // namespace zkwire::capture
