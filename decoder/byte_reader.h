// Bounds-checked big-endian reads over a byte span; a failed read is sticky and reported once, never thrown.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace zkwire {

// Big-endian integers at p: one load and one byte swap (a byte-at-a-time loop was not folded into one by the
// compiler, and a Stat alone is eleven of these per reply).
inline uint32_t load_be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return std::endian::native == std::endian::little ? __builtin_bswap32(v) : v;
}
inline uint64_t load_be64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return std::endian::native == std::endian::little ? __builtin_bswap64(v) : v;
}
inline int32_t peek_i32(const uint8_t* p) { return static_cast<int32_t>(load_be32(p)); }
inline int64_t peek_i64(const uint8_t* p) { return static_cast<int64_t>(load_be64(p)); }

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool ok() const { return !failed_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return failed_ ? 0 : bytes_.size() - pos_; }
  bool at_end() const { return remaining() == 0; }
  // Where the first failed read wanted its bytes, for error messages.
  size_t failure_position() const { return failure_pos_; }
  std::span<const uint8_t> whole() const { return bytes_; }

  uint8_t u8() {
    if (!need(1)) return 0;
    return bytes_[pos_++];
  }
  int32_t i32() {
    if (!need(4)) return 0;
    const uint8_t* p = bytes_.data() + pos_;
    pos_ += 4;
    return peek_i32(p);
  }
  int64_t i64() {
    if (!need(8)) return 0;
    const uint8_t* p = bytes_.data() + pos_;
    pos_ += 8;
    return peek_i64(p);
  }
  std::span<const uint8_t> take(size_t n) {
    if (!need(n)) return {};
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  void skip(size_t n) { (void)take(n); }

  // Marks the input malformed for a reason other than running out of bytes (a bad length, say).
  void fail() {
    if (!failed_) failure_pos_ = pos_;
    failed_ = true;
  }

 private:
  bool need(size_t n) {
    if (failed_) return false;
    if (bytes_.size() - pos_ < n) {
      failure_pos_ = pos_;
      failed_ = true;
      return false;
    }
    return true;
  }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  size_t failure_pos_ = 0;
  bool failed_ = false;
};

}  // namespace zkwire
