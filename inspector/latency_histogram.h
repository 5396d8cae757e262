// Latency distribution in bounded memory: log-linear buckets (about 3% wide), exact count and maximum.
#pragma once
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace zkwire {

class LatencyHistogram {
 public:
  void add(int64_t us) {
    if (us < 0) us = 0;
    ++buckets_[bucket_of(static_cast<uint64_t>(us))];
    ++count_;
    if (us > max_) max_ = us;
  }
  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  // The value below which `fraction` of the samples fall, to the bucket's precision (never above max).
  int64_t percentile(double fraction) const {
    if (count_ == 0) return 0;
    // Nearest rank: the smallest sample with at least `fraction` of all samples at or below it.
    auto rank = static_cast<uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      seen += buckets_[b];
      if (seen >= rank) {
        int64_t upper = static_cast<int64_t>(upper_bound_of(b));
        return upper < max_ ? upper : max_;
      }
    }
    return max_;
  }

 private:
  static constexpr unsigned kSubBits = 5;  // 32 sub-buckets per power of two
  static constexpr size_t kBuckets = (64 - kSubBits + 1) << kSubBits;
  static size_t bucket_of(uint64_t v) {
    if (v < (1u << kSubBits)) return static_cast<size_t>(v);
    unsigned exponent = static_cast<unsigned>(std::bit_width(v)) - 1 - kSubBits;  // shift that keeps kSubBits+1 bits
    uint64_t mantissa = v >> exponent;  // in [32, 64)
    return ((exponent + 1) << kSubBits) + static_cast<size_t>(mantissa - (1u << kSubBits));
  }
  static uint64_t upper_bound_of(size_t bucket) {
    if (bucket < (1u << kSubBits)) return bucket;
    size_t exponent = (bucket >> kSubBits) - 1;
    uint64_t mantissa = (bucket & ((1u << kSubBits) - 1)) + (1u << kSubBits);
    return ((mantissa + 1) << exponent) - 1;
  }

  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
};

}  // namespace zkwire
