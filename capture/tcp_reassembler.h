// One direction of one TCP connection: payload bytes in sequence order, each exactly once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "decoder/basics.h"

namespace zkwire::capture {

// Where a reassembler sends what it can deliver.
class StreamReceiver {
 public:
  virtual void on_bytes(std::span<const uint8_t> bytes, Timestamp at) = 0;
  virtual void on_lost(uint64_t missing_bytes, Timestamp at) = 0;

 protected:
  ~StreamReceiver() = default;
};

// Positions are kept as 64-bit offsets from the first payload byte, so 32-bit sequence
// wrap-around only matters when a sequence number is first converted.
class TcpReassembler {
 public:
  explicit TcpReassembler(size_t max_held_bytes);

  bool started() const { return started_; }
  // `first_payload_seq` is the sequence number of the first payload byte: ISN + 1 after a
  // SYN, or the first segment's own number when the handshake was not captured.
  void start_at(uint32_t first_payload_seq);

  // A segment whose first payload byte has number `seq`. In-order bytes go straight to
  // `out` without a copy; bytes ahead of a hole are copied and held. The usual segment (wholly
  // captured, the very next bytes, nothing held, no FIN yet) is handled inline, with no call
  // when the receiver's type is in sight; the walk out of line would come to the same.
  template <class Receiver>
  void add(uint32_t seq, std::span<const uint8_t> captured, uint32_t lost_tail, Timestamp at, Receiver& out) {
    if (take_in_order(seq, captured.size(), lost_tail)) {
      out.on_bytes(captured, at);
      return;
    }
    add_walking(seq, captured, lost_tail, at, out);
  }
  // That usual segment, for a caller that hands its bytes on itself: when the segment is one, counts its bytes as
  // delivered and returns true. Otherwise changes nothing, and the segment goes to `add`.
  bool take_in_order(uint32_t seq, size_t captured, uint32_t lost_tail) {
    if (!started_ || lost_tail != 0 || captured == 0 || !held_.empty() || fin_offset_ ||
        seq != first_payload_seq_ + static_cast<uint32_t>(next_)) {
      return false;
    }
    next_ += captured;
    return true;
  }
  void note_fin(uint32_t fin_seq);
  // The other side acknowledged up to `ack`: a hole below it was sent and will not be seen.
  // `with_data`: the acknowledgement came on a segment carrying the peer's own data (its answer).
  void peer_acked(uint32_t ack, Timestamp at, StreamReceiver& out, bool with_data = false) {
    if (ack_may_declare_loss(ack, with_data)) peer_acked_beyond(ack, at, out);
  }
  // False for nearly every acknowledgement, which `peer_acked` would find nothing to do for: nothing is held and
  // nothing could be declared lost. Inline, so that the caller skips even preparing the call.
  bool ack_may_declare_loss(uint32_t ack, bool with_data) const {
    if (!started_ || (held_.empty() && !with_data)) return false;
    // At or below the next byte to deliver (a FIN can only lower it further), nothing is declared lost.
    return !held_.empty() || static_cast<int32_t>(ack - (first_payload_seq_ + static_cast<uint32_t>(next_))) > 0;
  }
  // No more segments will come: declare every hole lost and deliver what is held.
  void flush(Timestamp at, StreamReceiver& out);
  // Drops held data without delivering it, for a flow that is gone.
  void release();

  bool fin_seen() const { return fin_offset_.has_value(); }
  uint64_t delivered() const { return next_; }
  size_t held_bytes() const { return held_bytes_; }

 private:
  // A stretch of sequence space: captured bytes, then bytes the snap length cut off.
  struct Piece {
    uint64_t start = 0;
    std::span<const uint8_t> bytes;
    uint64_t lost_tail = 0;
    uint64_t end() const { return start + bytes.size() + lost_tail; }
  };
  struct Held {
    std::vector<uint8_t> bytes;
    uint64_t lost_tail = 0;
  };

  int64_t offset_of(uint32_t seq) const;
  void add_walking(uint32_t seq, std::span<const uint8_t> captured, uint32_t lost_tail, Timestamp at,
                   StreamReceiver& out);
  void peer_acked_beyond(uint32_t ack, Timestamp at, StreamReceiver& out);
  void emit(const Piece& piece, uint64_t from, uint64_t to, Timestamp at, StreamReceiver& out);
  void hold(const Piece& piece, uint64_t from, uint64_t to);
  void deliver_held(Timestamp at, StreamReceiver& out);
  void skip_hole_until(uint64_t offset, Timestamp at, StreamReceiver& out);

  // The in-order path's fields first: it reads them for nearly every segment.
  bool started_ = false;
  uint32_t first_payload_seq_ = 0;
  uint64_t next_ = 0;  // offset of the next byte to deliver
  std::optional<uint64_t> fin_offset_;
  std::map<uint64_t, Held> held_;  // out-of-order data by start offset, never overlapping
  size_t held_bytes_ = 0;
  size_t max_held_bytes_;
};

}  // namespace zkwire::capture
