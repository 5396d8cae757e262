// Reading classic pcap into memory and writing it back out, buffered.
#include "bench/pcap_records.h"

#include <cstddef>
#include <cstring>

namespace zkwire::bench {
namespace {

constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr size_t kWriteBuffer = 8u << 20;

uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }

}  // namespace

bool read_pcap_file(const std::string& path, PcapFile& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open " + path;
    return false;
  }
  std::vector<uint8_t> data;
  uint8_t chunk[1 << 16];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + got);
  std::fclose(f);

  auto u32 = [&](size_t at, bool swapped) {
    uint32_t v;
    std::memcpy(&v, data.data() + at, 4);
    return swapped ? swap32(v) : v;
  };
  if (data.size() < 24) {
    error = path + " is too short for a pcap header";
    return false;
  }
  const uint32_t magic = u32(0, false);
  bool swapped = false, nano = false;
  if (magic == kMagicMicro || magic == kMagicNano) {
    nano = magic == kMagicNano;
  } else if (swap32(magic) == kMagicMicro || swap32(magic) == kMagicNano) {
    swapped = true;
    nano = swap32(magic) == kMagicNano;
  } else {
    error = path + " is not a classic pcap file (pcapng is not supported here)";
    return false;
  }
  out.snap_length = u32(16, swapped);
  out.link_type = u32(20, swapped);
  out.records.clear();
  size_t at = 24;
  while (at + 16 <= data.size()) {
    const uint32_t seconds = u32(at, swapped), fraction = u32(at + 4, swapped);
    const uint32_t caplen = u32(at + 8, swapped), len = u32(at + 12, swapped);
    at += 16;
    if (caplen > data.size() - at) {
      error = path + " ends in the middle of a packet";
      return false;
    }
    PcapRecord r;
    r.ts_ns = int64_t{seconds} * 1'000'000'000 + int64_t{fraction} * (nano ? 1 : 1000);
    r.wire_length = len;
    r.bytes.assign(data.begin() + static_cast<std::ptrdiff_t>(at), data.begin() + static_cast<std::ptrdiff_t>(at + caplen));
    out.records.push_back(std::move(r));
    at += caplen;
  }
  return true;
}

PcapWriter::~PcapWriter() { close(); }

bool PcapWriter::open(const std::string& path, uint32_t link_type, uint32_t snap_length, std::string& error) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) {
    error = "cannot create " + path;
    return false;
  }
  buffer_.reserve(kWriteBuffer);
  const uint32_t header[6] = {kMagicMicro, 2u | (4u << 16), 0, 0, snap_length, link_type};
  put(header, sizeof header);
  return true;
}

void PcapWriter::write(int64_t ts_ns, uint32_t wire_length, const uint8_t* bytes, uint32_t length) {
  const int64_t micros = ts_ns / 1000;
  const uint32_t header[4] = {static_cast<uint32_t>(micros / 1'000'000), static_cast<uint32_t>(micros % 1'000'000),
                              length, wire_length};
  put(header, sizeof header);
  put(bytes, length);
}

void PcapWriter::put(const void* data, size_t length) {
  if (buffer_.size() + length > kWriteBuffer) drain();
  const auto* p = static_cast<const uint8_t*>(data);
  buffer_.insert(buffer_.end(), p, p + length);
  written_ += length;
}

void PcapWriter::drain() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

bool PcapWriter::close() {
  if (!file_) return !failed_;
  drain();
  if (std::fclose(file_) != 0) failed_ = true;
  file_ = nullptr;
  return !failed_;
}

}  // namespace zkwire::bench
