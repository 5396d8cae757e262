// Splits one direction's byte stream into length-prefixed frames, zero-copy when a frame arrives whole.
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "decoder/byte_reader.h"

namespace zkwire {

// What a frame handler decides about a length prefix that is not a plausible frame.
enum class BadLengthAction { skip_frame, lose_sync };

// Feed bytes; whole frames go to handler.on_frame(payload, offset) where offset is the prefix's stream
// offset; a length above `max_frame` goes to handler.on_bad_length(length, offset) first.
class Framer {
 public:
  explicit Framer(uint32_t max_frame, uint32_t skip_limit) : max_frame_(max_frame), skip_limit_(skip_limit) {}

  // Returns false when the framing was lost: `rest` is then the unconsumed input, and partial() still
  // holds any prefix bytes before it, so the caller can scan both for the next frame boundary.
  // Inlined into its caller (there is one per handler type): a frame then costs the handler's work and little more.
  template <class Handler>
  [[gnu::always_inline]] inline bool feed(std::span<const uint8_t> data, Handler& handler,
                                          std::span<const uint8_t>& rest);

  uint64_t offset() const { return offset_; }  // stream offset of the next byte fed
  void advance(uint64_t n) { offset_ += n; }
  // Bytes of the current frame held so far (prefix included), and the frame's declared length.
  std::span<const uint8_t> partial() const { return partial_; }
  bool in_partial_frame() const { return !partial_.empty(); }
  int64_t partial_frame_length() const { return partial_.size() >= 4 ? peek_i32(partial_.data()) : -1; }
  uint64_t partial_offset() const { return partial_offset_; }
  uint64_t skipping() const { return skip_remaining_; }
  void skip(uint64_t n) { skip_remaining_ = n; }
  void reset_partial();

 private:
  uint32_t max_frame_;
  uint32_t skip_limit_;
  uint64_t offset_ = 0;
  uint64_t skip_remaining_ = 0;
  uint64_t partial_offset_ = 0;
  std::vector<uint8_t> partial_;
};

template <class Handler>
bool Framer::feed(std::span<const uint8_t> data, Handler& handler, std::span<const uint8_t>& rest) {
  // Whole frames straight from the input, nothing held before them: the usual case, in a loop of its own that
  // reads no other state (a pipelined read carries many frames).
  if (skip_remaining_ == 0 && partial_.empty()) {
    while (data.size() >= 4) {
      const int64_t length = peek_i32(data.data());
      if (length < 0 || length > max_frame_ || data.size() - 4 < static_cast<uint64_t>(length)) break;
      const size_t frame_size = static_cast<size_t>(length) + 4;
      handler.on_frame(data.subspan(4, frame_size - 4), offset_);
      offset_ += frame_size;
      data = data.subspan(frame_size);
    }
  }
  while (!data.empty()) {
    if (skip_remaining_ > 0) {
      size_t n = data.size() < skip_remaining_ ? data.size() : static_cast<size_t>(skip_remaining_);
      skip_remaining_ -= n;
      offset_ += n;
      data = data.subspan(n);
      continue;
    }
    // The length prefix: from the held bytes, or straight from the input.
    int64_t length;
    if (partial_.size() >= 4) {
      length = peek_i32(partial_.data());
    } else if (partial_.empty() && data.size() >= 4) {
      length = peek_i32(data.data());
    } else {
      if (partial_.empty()) partial_offset_ = offset_;
      size_t n = std::min(data.size(), 4 - partial_.size());
      partial_.insert(partial_.end(), data.begin(), data.begin() + n);
      offset_ += n;
      data = data.subspan(n);
      if (partial_.size() < 4) continue;
      // Judge the length now, even if this read ended with it: how the stream was split into reads
      // must not decide whether a bad length is reported as one.
      length = peek_i32(partial_.data());
    }
    uint64_t frame_start = partial_.empty() ? offset_ : partial_offset_;
    if (length < 0 || length > max_frame_) {
      bool skippable = length >= 0 && length <= skip_limit_;
      BadLengthAction action = handler.on_bad_length(static_cast<int32_t>(length), frame_start);
      if (action == BadLengthAction::lose_sync || !skippable) {
        rest = data;
        return false;
      }
      size_t held = partial_.size();
      reset_partial();
      if (held == 0) {
        offset_ += 4;
        data = data.subspan(4);
        held = 4;
      }
      skip_remaining_ = static_cast<uint64_t>(length) + 4 - held;
      continue;
    }
    size_t frame_size = static_cast<size_t>(length) + 4;
    if (partial_.empty() && data.size() >= frame_size) {
      handler.on_frame(data.subspan(4, frame_size - 4), offset_);
      offset_ += frame_size;
      data = data.subspan(frame_size);
      continue;
    }
    if (partial_.empty()) {
      partial_offset_ = offset_;
      partial_.reserve(frame_size);
    }
    size_t n = std::min(data.size(), frame_size - partial_.size());
    partial_.insert(partial_.end(), data.begin(), data.begin() + n);
    offset_ += n;
    data = data.subspan(n);
    if (partial_.size() == frame_size) {
      handler.on_frame(std::span<const uint8_t>(partial_).subspan(4), partial_offset_);
      reset_partial();
    }
  }
  rest = {};
  return true;
}

}  // namespace zkwire
