// Big-endian appends to a growing byte vector: the encoder's only output primitive.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace zkwire {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void i32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    uint8_t b[4] = {uint8_t(u >> 24), uint8_t(u >> 16), uint8_t(u >> 8), uint8_t(u)};
    out_.insert(out_.end(), b, b + 4);
  }
  void i64(int64_t v) {
    auto u = static_cast<uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(uint8_t(u >> shift));
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

  size_t size() const { return out_.size(); }
  // Overwrites a 4-byte big-endian value written earlier (a length prefix, once the body is known).
  void patch_i32(size_t at, int32_t v) {
    auto u = static_cast<uint32_t>(v);
    out_[at] = uint8_t(u >> 24);
    out_[at + 1] = uint8_t(u >> 16);
    out_[at + 2] = uint8_t(u >> 8);
    out_[at + 3] = uint8_t(u);
  }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace zkwire
