// Classic pcap files read straight from a memory mapping: the fast path for `analyze`, with libpcap as the fallback.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "decoder/basics.h"

namespace zkwire::capture {

// Only well-formed records are handed out: a record libpcap would treat specially (cut by the file's end, longer
// than the snap length) stops the mapped reading, and the caller continues with libpcap from `offset()`, so that
// every error and odd case is exactly libpcap's. pcapng, unusual pcap variants and link types are left to libpcap
// from the start (`map` returns null).
class MappedPcap {
 public:
  // Null when the file is not a classic pcap this reader takes on, or cannot be mapped.
  static std::unique_ptr<MappedPcap> map(int fd);
  MappedPcap(const MappedPcap&) = delete;
  MappedPcap& operator=(const MappedPcap&) = delete;
  ~MappedPcap();

  int dlt() const { return dlt_; }
  // Offset of the next record: where libpcap takes over once `next` returns false before the end.
  size_t offset() const { return offset_; }
  bool at_end() const { return offset_ == size_; }

  // The next record, or false at the end or at a record to leave to libpcap.
  bool next(Timestamp& ts, std::span<const uint8_t>& bytes, uint32_t& wire_length) {
    if (offset_ - released_ >= kReleaseEvery) release_read_pages();
    if (size_ - offset_ < kRecordHeader) return false;
    const uint8_t* h = data_ + offset_;
    const uint32_t caplen = field(h + 8);
    if (caplen > snap_length_ || caplen > size_ - offset_ - kRecordHeader) return false;
    ts.ns = static_cast<int64_t>(field(h)) * 1'000'000'000 + static_cast<int64_t>(field(h + 4)) * ns_per_fraction_;
    wire_length = field(h + 12);
    bytes = {h + kRecordHeader, caplen};
    offset_ += kRecordHeader + caplen;
    return true;
  }

 private:
  static constexpr size_t kRecordHeader = 16;
  static constexpr size_t kReleaseEvery = 8u << 20;
  MappedPcap(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // Pages already read are dropped from the mapping, so a large file does not stay resident in the process.
  void release_read_pages();
  uint32_t field(const uint8_t* p) const {
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return swapped_ ? __builtin_bswap32(v) : v;
  }

  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 24;  // after the file header
  size_t released_ = 0;  // the mapping's first bytes, up to here, are given back
  bool swapped_ = false;
  int64_t ns_per_fraction_ = 1000;
  uint32_t snap_length_ = 0;
  int dlt_ = 0;
};

}  // namespace zkwire::capture
